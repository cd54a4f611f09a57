/**
 * The interface language: chosen from the browser, switchable, remembered on the device. Each page builds
 * its own `t` over only the catalogues it needs (the phone must stay small); all read this one locale, so
 * switching re-renders every string.
 */
import { pluralForm } from './plural';

export type Locale = 'cs' | 'en';

const STORAGE_KEY = 'attune.locale';

function deviceStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function initialLocale(): Locale {
  const stored = deviceStorage()?.getItem(STORAGE_KEY);
  if (stored === 'cs' || stored === 'en') return stored;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('cs')) ? 'cs' : 'en';
}

class LocaleState {
  #current = $state<Locale>(initialLocale());

  constructor() {
    document.documentElement.lang = this.#current;
  }

  get current(): Locale {
    return this.#current;
  }

  set current(locale: Locale) {
    this.#current = locale;
    document.documentElement.lang = locale;
    deviceStorage()?.setItem(STORAGE_KEY, locale);
  }

  toggle(): void {
    this.current = this.#current === 'cs' ? 'en' : 'cs';
  }
}

export const locale = new LocaleState();

export type Catalogues<K extends string> = Record<Locale, Record<K, string>>;

/** A `t(key, params)` over these catalogues, in the current locale, with plural forms chosen and `{name}` placeholders filled. */
export function translator<K extends string>(catalogues: Catalogues<K>) {
  return (key: K, params: Record<string, string | number> = {}): string => {
    const count = params.n ?? params.count;
    const text = pluralForm(catalogues[locale.current][key], locale.current, typeof count === 'number' ? count : undefined);
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  };
}
