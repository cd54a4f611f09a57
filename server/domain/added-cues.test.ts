import { describe, expect, it } from 'vitest';
import type { ClassCue } from '../../shared/schemas/class.js';
import type { Cue } from '../../shared/schemas/sequence.js';
import { bySequencePosition, keepAddedCue, keepCuesOffer, sequencePositions, type KeepTarget } from './added-cues.js';

const cue = (text: string, extra: Partial<ClassCue> = {}): ClassCue => ({ text, regions: [], ...extra });
/** A class of the sequence A B C with X added after A and Y after B. */
const classCues = [cue('A'), cue('X', { isAdded: true, note: 'only for me', regions: ['neck'] }), cue('B'), cue('Y', { isAdded: true, addedAtRevision: 7 }), cue('C')];
const sequence: KeepTarget = { cues: [cue('A'), cue('B'), cue('C')] as Cue[], ownerId: 'owner', isLibrary: false };
const ended = { status: 'ended' as const, cues: classCues };

describe('the sequence’s cues within a class', () => {
  it('numbers the sequence’s cues and leaves out the added ones, unless kept since', () => {
    expect(sequencePositions(classCues)).toEqual([0, null, 1, null, 2]);
    expect(sequencePositions([cue('A'), cue('X', { isAdded: true, isKept: true }), cue('B')])).toEqual([0, 1, 2]);
  });

  it('re-keys figures by the place in the sequence and drops those of added cues', () => {
    const tallies = [0, 1, 2, 3, 4].map((cueIndex) => ({ cueIndex, tension: cueIndex * 10 }));
    expect(bySequencePosition(tallies, sequencePositions(classCues))).toEqual([
      { cueIndex: 0, tension: 0 },
      { cueIndex: 1, tension: 20 },
      { cueIndex: 2, tension: 40 },
    ]);
  });
});

describe('Keep in the sequence', () => {
  it('puts the cue where it stood among the sequence’s cues, as the sequence’s own cue, and marks it kept in the class', () => {
    const result = keepAddedCue(ended, 3, sequence, 'owner');
    expect(result).toMatchObject({ ok: true, position: 2 });
    if (!result.ok) throw new Error(result.message);
    expect(result.sequenceCues.map((c) => c.text)).toEqual(['A', 'B', 'Y', 'C']);
    expect(result.sequenceCues[2]).toEqual({ text: 'Y', regions: [] });
    expect(result.classCues[3]).toEqual({ text: 'Y', regions: [], isAdded: true, addedAtRevision: 7, isKept: true });
    expect(result.classCues.filter((c) => c.isKept)).toHaveLength(1);
  });

  it('keeps the cue’s regions and note, and counts an earlier kept cue as the sequence’s', () => {
    const first = keepAddedCue(ended, 1, sequence, 'owner');
    if (!first.ok) throw new Error(first.message);
    expect(first.position).toBe(1);
    expect(first.sequenceCues[1]).toEqual({ text: 'X', regions: ['neck'], note: 'only for me' });
    const second = keepAddedCue({ ...ended, cues: first.classCues }, 3, { ...sequence, cues: first.sequenceCues }, 'owner');
    expect(second).toMatchObject({ ok: true, position: 3 });
    if (!second.ok) throw new Error(second.message);
    expect(second.sequenceCues.map((c) => c.text)).toEqual(['A', 'X', 'B', 'Y', 'C']);
  });

  it('stays within a sequence that lost cues since the class', () => {
    expect(keepAddedCue(ended, 3, { ...sequence, cues: [cue('A')] }, 'owner')).toMatchObject({ ok: true, position: 1 });
  });

  it('finds its place by the cues around it when the sequence was edited since the class', () => {
    const place = (cues: string[], cueIndex: number) => {
      const result = keepAddedCue(ended, cueIndex, { ...sequence, cues: cues.map((text) => cue(text)) as Cue[] }, 'owner');
      if (!result.ok) throw new Error(result.message);
      return result.sequenceCues.map((c) => c.text);
    };
    // A cue put first since: X still follows A, not the first cue.
    expect(place(['Z', 'A', 'B', 'C'], 1)).toEqual(['Z', 'A', 'X', 'B', 'C']);
    // A (before X) deleted since: X goes before B, which followed it.
    expect(place(['B', 'C'], 1)).toEqual(['X', 'B', 'C']);
    // B reworded: Y follows A, the nearest cue before it that is still there.
    expect(place(['A', 'B, slowly', 'C'], 3)).toEqual(['A', 'Y', 'B, slowly', 'C']);
    // Nothing of the class left: as many cues from the start as before it in the class, within the sequence.
    expect(place(['P', 'Q', 'R'], 3)).toEqual(['P', 'Q', 'Y', 'R']);
  });

  it('refuses what cannot be kept, each with its reason', () => {
    expect(keepAddedCue({ ...ended, status: 'running' }, 3, sequence, 'owner')).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    expect(keepAddedCue(ended, 2, sequence, 'owner')).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    expect(keepAddedCue(ended, 9, sequence, 'owner')).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    const kept = classCues.map((c, i) => (i === 3 ? { ...c, isKept: true as const } : c));
    expect(keepAddedCue({ ...ended, cues: kept }, 3, sequence, 'owner')).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    expect(keepAddedCue(ended, 3, null, 'owner')).toMatchObject({ ok: false, code: 'sequence/not_found' });
    expect(keepAddedCue(ended, 3, { ...sequence, isLibrary: true }, 'owner')).toMatchObject({ ok: false, code: 'sequence/library' });
    expect(keepAddedCue(ended, 3, sequence, 'someone-else')).toMatchObject({ ok: false, code: 'sequence/not_found' });
    const full = { ...sequence, cues: Array.from({ length: 100 }, (_, i) => cue(`c${i}`)) };
    expect(keepAddedCue(ended, 3, full, 'owner')).toMatchObject({ ok: false, code: 'sequence/cue_limit' });
  });
});

describe('what the summary offers for added cues', () => {
  const own = { instructorId: 'owner', status: 'ended' as const };

  it('offers Keep in the sequence on the instructor’s own ended class of their own sequence', () => {
    expect(keepCuesOffer(own, sequence, 'owner')).toBe('allowed');
  });

  it('gives the reason instead for a class of a clinic library sequence, which keepAddedCue refuses', () => {
    expect(keepCuesOffer(own, { isLibrary: true }, 'owner')).toBe('library');
  });

  it('offers nothing once the sequence is deleted: there is nowhere to keep them', () => {
    expect(keepCuesOffer(own, null, 'owner')).toBe('none');
  });

  it('offers nothing before the end or on someone else’s class', () => {
    expect(keepCuesOffer({ ...own, status: 'running' }, sequence, 'owner')).toBe('none');
    expect(keepCuesOffer(own, { isLibrary: true }, 'lead')).toBe('none');
  });
});
