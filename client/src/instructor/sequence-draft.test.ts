import { describe, expect, it } from 'vitest';
import { draftOf, emptyCue, fieldErrors, inputOf, moveItem, toggleRegion, type Draft } from './sequence-draft';

let key = 0;
const newKey = () => ++key;

describe('the editor’s draft', () => {
  const stored = {
    title: 'Neck',
    language: 'cs' as const,
    cues: [
      { text: 'Notice.', note: 'Slowly.', regions: ['neck' as const], durationSeconds: 30 },
      { text: 'Rest.', regions: [] },
    ],
  };

  it('sends back exactly what it was made from', () => {
    expect(inputOf(draftOf(stored, 'en', newKey))).toEqual(stored);
  });

  it('starts a new sequence with one empty cue in the interface language', () => {
    const draft = draftOf(null, 'en', newKey);
    expect(draft).toMatchObject({ title: '', language: 'en', cues: [{ text: '', note: '', regions: [], duration: '' }] });
  });

  it('leaves out a blank note and a blank duration, and sends a typed duration as a number', () => {
    const draft: Draft = { title: 'T', language: 'en', cues: [{ ...emptyCue(1), text: 'a', note: '  ', duration: ' 45 ' }] };
    expect(inputOf(draft)).toEqual({ title: 'T', language: 'en', cues: [{ text: 'a', regions: [], durationSeconds: 45 }] });
  });

  it('puts each problem beside its field, in the interface’s words', () => {
    const draft: Draft = {
      title: ' ',
      language: 'en',
      cues: [
        { ...emptyCue(1), text: 'fine' },
        { ...emptyCue(2), text: 'x'.repeat(281), note: 'n'.repeat(1001), duration: '4' },
        { ...emptyCue(3), text: 'fine', duration: '12.5' },
        { ...emptyCue(4), text: 'fine', duration: 'soon' },
      ],
    };
    expect(Object.fromEntries(fieldErrors(draft))).toEqual({
      title: 'editor.error.title',
      'cues[1].text': 'editor.error.text',
      'cues[1].note': 'editor.error.note',
      'cues[1].durationSeconds': 'editor.error.duration',
      'cues[2].durationSeconds': 'editor.error.duration',
      'cues[3].durationSeconds': 'editor.error.duration',
    });
    expect(fieldErrors({ title: 'T', language: 'en', cues: [] }).get('cues')).toBe('editor.error.cues');
    expect(fieldErrors(draftOf(stored, 'en', newKey)).size).toBe(0);
  });

  it('moves a cue up, down, to the ends, and never off the list', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 3)).toEqual(['a', 'b', 'c']);
  });

  it('toggles a region on and off', () => {
    expect(toggleRegion(['neck'], 'jaw')).toEqual(['neck', 'jaw']);
    expect(toggleRegion(['neck', 'jaw'], 'neck')).toEqual(['jaw']);
  });
});
