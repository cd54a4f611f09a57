/**
 * The interface language: chosen from the browser, switchable, remembered on the device. `t` reads the
 * current language reactively, so switching re-renders every string.
 */
import { cs } from './cs';
import { en, type MessageKey } from './en';

export type Locale = 'cs' | 'en';

const catalogues: Record<Locale, Record<MessageKey, string>> = { cs, en };
const STORAGE_KEY = 'attune.locale';

function initialLocale(): Locale {
  const stored = safeStorage()?.getItem(STORAGE_KEY);
  if (stored === 'cs' || stored === 'en') return stored;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('cs')) ? 'cs' : 'en';
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

class I18n {
  #locale = $state<Locale>(initialLocale());

  constructor() {
    document.documentElement.lang = this.#locale;
  }

  get locale(): Locale {
    return this.#locale;
  }

  set locale(locale: Locale) {
    this.#locale = locale;
    document.documentElement.lang = locale;
    safeStorage()?.setItem(STORAGE_KEY, locale);
  }

  toggle(): void {
    this.locale = this.#locale === 'cs' ? 'en' : 'cs';
  }

  /** The message in the current language, with `{name}` placeholders filled. */
  t = (key: MessageKey, params: Record<string, string | number> = {}): string =>
    catalogues[this.#locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export const i18n = new I18n();
export const t = i18n.t;
