/**
 * Who may do what in the clinic: the lead manages accounts and the shared library and reads every class;
 * an instructor has their own sequences and classes, and uses the library. Pure: no storage, no transport.
 */

/** The one acting: an instructor account and its role. */
export interface Viewer {
  id: string;
  role: 'lead' | 'instructor';
}

/** What the rules need to know of a sequence. */
export interface SequenceOwnership {
  ownerId: string;
  isLibrary: boolean;
  retiredAt: number | null;
}

/** Open a class from it, take a copy, read it: one's own sequences and the library's current ones. */
export function canUseSequence(sequence: SequenceOwnership, viewer: Viewer): boolean {
  return sequence.isLibrary ? sequence.retiredAt === null : sequence.ownerId === viewer.id;
}

/** Edit it in place: one's own; a library sequence only the lead (everyone else takes a copy). */
export function canEditSequence(sequence: SequenceOwnership, viewer: Viewer): boolean {
  if (!sequence.isLibrary) return sequence.ownerId === viewer.id;
  return sequence.retiredAt === null && viewer.role === 'lead';
}

/** Take it out of the library: the lead retires any; an instructor withdraws what they shared. */
export function canRetireSequence(sequence: SequenceOwnership, viewer: Viewer): boolean {
  if (!sequence.isLibrary || sequence.retiredAt !== null) return false;
  return viewer.role === 'lead' || sequence.ownerId === viewer.id;
}

/** Read a class's summary and exports: its own instructor, and the lead (read-only) for every class. */
export function canReadClass(classInstructorId: string, viewer: Viewer): boolean {
  return viewer.role === 'lead' || classInstructorId === viewer.id;
}

/**
 * Name the class's instructor on what the viewer reads (the page, the exports, the printable page): the lead
 * reading a colleague's class. An instructor's own class reads as it always has.
 */
export function namesInstructor(classInstructorId: string, viewer: Viewer): boolean {
  return viewer.role === 'lead' && classInstructorId !== viewer.id;
}
