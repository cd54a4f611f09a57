import { z } from 'zod';
import { COMMENT_MAX_LENGTH, feelings } from '../feedback.js';
import { storable } from './storable-text.js';

/**
 * A participant's anonymous feedback after the class: how the body feels now compared with the start, a 1-5
 * rating and an optional comment. One answer per participant: sending again replaces the earlier answer. A
 * comment of only spaces counts as none.
 */
export const feedbackSubmitSchema = z.object({
  feeling: z.enum(feelings),
  rating: z.number().int().min(1).max(5),
  comment: storable(z.string().trim().max(COMMENT_MAX_LENGTH)).optional(),
});
export type FeedbackSubmit = z.infer<typeof feedbackSubmitSchema>;
