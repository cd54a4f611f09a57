/** Room names: a class's instructor(s) and its participants. */
export const instructorRoom = (classId: string) => `class:${classId}:instructor`;
export const participantRoom = (classId: string) => `class:${classId}:participants`;
