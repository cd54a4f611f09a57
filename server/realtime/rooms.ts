/** Room names: everyone in a class, and the class's instructor(s). */
export const classRoom = (classId: string) => `class:${classId}`;
export const instructorRoom = (classId: string) => `class:${classId}:instructor`;
export const participantRoom = (classId: string) => `class:${classId}:participants`;
/** Every socket of one instructor account, whatever the class: ended at once when the account is deactivated. */
export const accountRoom = (instructorId: string) => `account:${instructorId}`;
