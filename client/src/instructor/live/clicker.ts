/**
 * A presentation clicker on the tablet: which key does what. Clickers send PageDown/PageUp (some the arrows)
 * and B ("blank screen"); Space is the keyboard's pause. Pure, so the rule is tested without a browser.
 */
import type { ClassStatus } from '../../../../shared/schemas/class';

export type ClickerAction = 'next' | 'previous' | 'pause' | 'resume';

const MOVES: Record<string, 'next' | 'previous'> = {
  PageDown: 'next',
  ArrowRight: 'next',
  ArrowDown: 'next',
  PageUp: 'previous',
  ArrowLeft: 'previous',
  ArrowUp: 'previous',
};

/** The action a key asks for in a class in `status`, or null when the key is not the clicker's. */
export function clickerAction(key: string, status: ClassStatus): ClickerAction | null {
  if (status !== 'running' && status !== 'paused') return null;
  const move = MOVES[key];
  if (move) return move;
  if (key === ' ' || key === 'Spacebar' || key === 'b' || key === 'B') return status === 'paused' ? 'resume' : 'pause';
  return null;
}

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'number', 'password', 'url', 'tel', 'date', 'time']);

/** True where a person types: there the keys are theirs, not the clicker's. */
export function isTextField(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  const tag = element.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && TEXT_INPUT_TYPES.has(((element as HTMLInputElement).type || 'text').toLowerCase());
}
