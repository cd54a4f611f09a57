import { describe, expect, it } from 'vitest';
import { clickerAction, isTextField } from './clicker';

describe('clickerAction', () => {
  it('moves with PageDown/PageUp and the arrows', () => {
    for (const key of ['PageDown', 'ArrowRight', 'ArrowDown']) expect(clickerAction(key, 'running')).toBe('next');
    for (const key of ['PageUp', 'ArrowLeft', 'ArrowUp']) expect(clickerAction(key, 'paused')).toBe('previous');
  });
  it('pauses a running class and resumes a paused one with Space or B', () => {
    for (const key of [' ', 'b', 'B']) {
      expect(clickerAction(key, 'running')).toBe('pause');
      expect(clickerAction(key, 'paused')).toBe('resume');
    }
  });
  it('does nothing in the lobby, after the end, or for other keys', () => {
    expect(clickerAction('PageDown', 'lobby')).toBeNull();
    expect(clickerAction(' ', 'ended')).toBeNull();
    expect(clickerAction('Enter', 'running')).toBeNull();
    expect(clickerAction('x', 'running')).toBeNull();
  });
});

describe('isTextField', () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, isContentEditable: false, ...extra }) as unknown as EventTarget;
  it('knows where a person types', () => {
    expect(isTextField(el('INPUT', { type: 'text' }))).toBe(true);
    expect(isTextField(el('INPUT', { type: '' }))).toBe(true);
    expect(isTextField(el('TEXTAREA'))).toBe(true);
    expect(isTextField(el('DIV', { isContentEditable: true }))).toBe(true);
  });
  it('leaves buttons, checkboxes and the page to the clicker', () => {
    expect(isTextField(el('BUTTON'))).toBe(false);
    expect(isTextField(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTextField(el('BODY'))).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});
