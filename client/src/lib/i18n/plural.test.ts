import { describe, expect, it } from 'vitest';
import { cs as instructorCs } from '../../instructor/messages.cs';
import { en as instructorEn } from '../../instructor/messages.en';
import { pluralForm } from './plural';

describe('plural forms', () => {
  it('picks the English form by count: "from 1 participant", "from 2 participants"', () => {
    const text = instructorEn['live.fromParticipants'];
    expect(pluralForm(text, 'en', 1)).toBe('from {n} participant');
    expect(pluralForm(text, 'en', 0)).toBe('from {n} participants');
    expect(pluralForm(text, 'en', 2)).toBe('from {n} participants');
  });

  it('picks the Czech form by count: 1 účastníka, 2–4 and 5+ účastníků', () => {
    const text = instructorCs['live.fromParticipants'];
    expect(pluralForm(text, 'cs', 1)).toBe('od {n} účastníka');
    expect(pluralForm(text, 'cs', 3)).toBe('od {n} účastníků');
    expect(pluralForm(text, 'cs', 12)).toBe('od {n} účastníků');
  });

  it('leaves a string without forms, or without a count, as it is', () => {
    expect(pluralForm('Next cue', 'en', 3)).toBe('Next cue');
    expect(pluralForm('one: a | other: b', 'en', undefined)).toBe('one: a | other: b');
  });
});
