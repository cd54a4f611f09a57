import { describe, expect, it } from 'vitest';
import { canEditSequence, canReadClass, canRetireSequence, canUseSequence, namesInstructor } from './clinic-rules.js';

const lead = { id: 'lead', role: 'lead' as const };
const ana = { id: 'ana', role: 'instructor' as const };
const bo = { id: 'bo', role: 'instructor' as const };
const own = { ownerId: 'ana', isLibrary: false, retiredAt: null };
const shared = { ownerId: 'ana', isLibrary: true, retiredAt: null };
const retired = { ownerId: 'ana', isLibrary: true, retiredAt: 5 };

describe('clinic rules', () => {
  it('lets an instructor use their own sequences and the current library, nobody else’s', () => {
    expect(canUseSequence(own, ana)).toBe(true);
    expect(canUseSequence(own, bo)).toBe(false);
    expect(canUseSequence(own, lead)).toBe(false);
    expect(canUseSequence(shared, bo)).toBe(true);
    expect(canUseSequence(retired, ana)).toBe(false);
  });

  it('edits a library sequence in place only as the lead; the sharer takes a copy like everyone', () => {
    expect(canEditSequence(own, ana)).toBe(true);
    expect(canEditSequence(own, lead)).toBe(false);
    expect(canEditSequence(shared, lead)).toBe(true);
    expect(canEditSequence(shared, ana)).toBe(false);
    expect(canEditSequence(retired, lead)).toBe(false);
  });

  it('retires a library sequence as the lead, withdraws it as its sharer, and nothing else', () => {
    expect(canRetireSequence(shared, lead)).toBe(true);
    expect(canRetireSequence(shared, ana)).toBe(true);
    expect(canRetireSequence(shared, bo)).toBe(false);
    expect(canRetireSequence(own, lead)).toBe(false);
    expect(canRetireSequence(retired, lead)).toBe(false);
  });

  it('lets the lead read every class and an instructor only their own', () => {
    expect(canReadClass('ana', lead)).toBe(true);
    expect(canReadClass('ana', ana)).toBe(true);
    expect(canReadClass('ana', bo)).toBe(false);
  });

  it('names the instructor to the lead reading a colleague’s class, and nowhere else', () => {
    expect(namesInstructor('ana', lead)).toBe(true);
    expect(namesInstructor(lead.id, lead)).toBe(false);
    expect(namesInstructor('ana', ana)).toBe(false);
  });
});
