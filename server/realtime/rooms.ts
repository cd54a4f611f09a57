/** Room names: everyone in a class, and the class's instructor(s). */
export const classRoom = (classId: string) => `class:${classId}`;
export const instructorRoom = (classId: string) => `class:${classId}:instructor`;
export const participantRoom = (classId: string) => `class:${classId}:participants`;
