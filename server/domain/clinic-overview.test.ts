import { describe, expect, it } from 'vitest';
import { buildClinicOverview, weekStart } from './clinic-overview.js';

const DAY = 24 * 60 * 60_000;
const monday = Date.parse('2026-11-02T00:00:00Z');
const family = { sequenceId: 'lib-1', title: 'Shoulders', language: 'en' as const };

describe('clinic overview', () => {
  it('puts every moment of a week on its Monday', () => {
    expect(weekStart(monday)).toBe(monday);
    expect(weekStart(monday + 6 * DAY + 23 * 3_600_000)).toBe(monday);
    expect(weekStart(monday - 1)).toBe(monday - 7 * DAY);
  });

  it('counts classes and participants per week and per sequence across instructors', () => {
    const { weeks, sequences } = buildClinicOverview(
      [
        { classId: 'a', instructorId: 'ana', createdAt: monday + DAY, participants: 5, family },
        { classId: 'b', instructorId: 'bo', createdAt: monday + 2 * DAY, participants: 4, family },
        { classId: 'c', instructorId: 'bo', createdAt: monday + 8 * DAY, participants: 6, family: null },
      ],
      [],
      3,
    );
    expect(weeks.map((w) => [w.weekStart, w.classes, w.participants])).toEqual([
      [monday, 2, 9],
      [monday + 7 * DAY, 1, 6],
    ]);
    expect(sequences).toEqual([
      expect.objectContaining({ sequenceId: 'lib-1', classes: 2, instructors: 2, participants: 9, feedback: expect.objectContaining({ answers: 0 }), feedbackAnswers: 0 }),
    ]);
  });

  it('withholds a week’s feedback below the threshold and shows it at the threshold', () => {
    const classes = [{ classId: 'a', instructorId: 'ana', createdAt: monday, participants: 5, family }];
    const two = [
      { classId: 'a', feeling: 'better' as const, rating: 5 },
      { classId: 'a', feeling: 'same' as const, rating: 3 },
    ];
    expect(buildClinicOverview(classes, two, 3).weeks[0]!.feedback).toBeNull();
    const three = [...two, { classId: 'a', feeling: 'better' as const, rating: 4 }];
    const shown = buildClinicOverview(classes, three, 3).weeks[0]!.feedback!;
    expect(shown.feelings).toEqual({ better: 2, same: 1, worse: 0 });
    expect(shown.meanRating).toBe(4);
    expect(shown.comments).toEqual([]);
  });
});
