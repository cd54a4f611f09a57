/** Plural forms for the translator, chosen by `Intl.PluralRules`: rune-free, so it is unit-tested alone. */
const pluralRules: Record<string, Intl.PluralRules> = {};

/**
 * A string with plural forms lists them by the language's plural category, `one: … | few: … | other: …`
 * (Czech has one, few, many, other; English one, other). `Intl.PluralRules` picks the form for `n` (or
 * `count`); a string without forms is used as it is.
 */
export function pluralForm(text: string, lang: string, n: number | undefined): string {
  if (n === undefined || !/^(zero|one|two|few|many|other):/.test(text)) return text;
  const forms = new Map(
    text.split('|').map((part) => {
      const at = part.indexOf(':');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const rules = (pluralRules[lang] ??= new Intl.PluralRules(lang));
  return forms.get(rules.select(n)) ?? forms.get('other') ?? text;
}
