import { describe, expect, it } from 'vitest';
import { handshakeSchema } from '../protocol.js';
import { credentialsSchema } from './auth.js';
import { classCommandSchema } from './class.js';
import { flagSubmitSchema } from './flag.js';
import { sequenceFileSchema } from './sequence.js';

const flag = { flagId: '7d1a4c1e-3a5b-4f6c-9d7e-8f9a0b1c2d3e', cueIndex: 2, kind: 'tension' };

describe('flag:submit', () => {
  it('accepts a flag, with or without region and strength', () => {
    expect(flagSubmitSchema.safeParse(flag).success).toBe(true);
    expect(flagSubmitSchema.safeParse({ ...flag, region: 'neck', strength: 3 }).success).toBe(true);
  });
  it.each([
    ['a non-uuid id', { ...flag, flagId: 'x' }],
    ['an unknown kind', { ...flag, kind: 'pain' }],
    ['a negative cue', { ...flag, cueIndex: -1 }],
    ['a fractional cue', { ...flag, cueIndex: 1.5 }],
    ['an unknown region', { ...flag, region: 'elbow-tip' }],
    ['strength 4', { ...flag, strength: 4 }],
    ['a string payload', 'tension'],
    ['null', null],
  ])('refuses %s', (_name, payload) => {
    expect(flagSubmitSchema.safeParse(payload).success).toBe(false);
  });
});

describe('class:command', () => {
  it('accepts each command with a revision', () => {
    for (const type of ['start', 'next', 'previous', 'pause', 'resume', 'end']) {
      expect(classCommandSchema.safeParse({ type, revision: 0 }).success).toBe(true);
    }
    expect(classCommandSchema.safeParse({ type: 'jump', revision: 3, cueIndex: 4 }).success).toBe(true);
  });
  it('refuses unknown commands, a missing revision and a jump without a cue', () => {
    expect(classCommandSchema.safeParse({ type: 'restart', revision: 0 }).success).toBe(false);
    expect(classCommandSchema.safeParse({ type: 'next' }).success).toBe(false);
    expect(classCommandSchema.safeParse({ type: 'jump', revision: 0 }).success).toBe(false);
    expect(classCommandSchema.safeParse({ type: 'next', revision: -1 }).success).toBe(false);
  });
});

describe('handshake', () => {
  it('knows participants by code and token, instructors by class', () => {
    expect(handshakeSchema.safeParse({ role: 'participant', code: 'K7MPQ2', token: flag.flagId }).success).toBe(true);
    expect(handshakeSchema.safeParse({ role: 'instructor', classId: 'abc' }).success).toBe(true);
    expect(handshakeSchema.safeParse({ role: 'participant', code: 'K7MPQ2', token: 'guessable' }).success).toBe(false);
    expect(handshakeSchema.safeParse({ role: 'admin' }).success).toBe(false);
  });
});

describe('credentials', () => {
  it('normalise the e-mail and require 8+ character passwords', () => {
    expect(credentialsSchema.parse({ email: ' Lead@Clinic.TEST ', password: '12345678' }).email).toBe('lead@clinic.test');
    expect(credentialsSchema.safeParse({ email: 'lead@clinic.test', password: 'short' }).success).toBe(false);
    expect(credentialsSchema.safeParse({ email: 'not-an-email', password: '12345678' }).success).toBe(false);
  });
});

describe('sequence file', () => {
  const file = { format: 'attune.sequence/v1', title: 'Neck', language: 'en', cues: [{ text: 'Notice your neck.', regions: ['neck'] }] };
  it('accepts a valid file and names the field of a bad one', () => {
    expect(sequenceFileSchema.safeParse(file).success).toBe(true);
    const bad = sequenceFileSchema.safeParse({ ...file, cues: [{ text: 'x'.repeat(281), regions: [] }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['cues', 0, 'text']);
  });
  it('refuses another format, an empty sequence and a bad duration', () => {
    expect(sequenceFileSchema.safeParse({ ...file, format: 'attune.sequence/v2' }).success).toBe(false);
    expect(sequenceFileSchema.safeParse({ ...file, cues: [] }).success).toBe(false);
    expect(sequenceFileSchema.safeParse({ ...file, cues: [{ text: 'a', durationSeconds: 4 }] }).success).toBe(false);
  });
});
