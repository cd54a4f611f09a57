import { z } from 'zod';

/**
 * A participant's anonymous "Need to stop" (sharp pain, dizziness). Never counted with the flags. The id is
 * made on the phone, so a retried delivery raises one alert.
 */
export const alertRaiseSchema = z.object({ alertId: z.uuid() });
export type AlertRaise = z.infer<typeof alertRaiseSchema>;

/** The instructor has seen an alert: the tablet stops showing it. */
export const alertAcknowledgeSchema = z.object({ alertId: z.uuid() });
export type AlertAcknowledge = z.infer<typeof alertAcknowledgeSchema>;

/** An open alert as the tablet shows it: only when, never who. */
export interface Alert {
  alertId: string;
  createdAt: number;
}

/** Instructor: every open alert of the class has been seen at once (the tablet's "Acknowledge all"). */
export const alertAcknowledgeAllSchema = z.object({});
export type AlertAcknowledgeAll = z.infer<typeof alertAcknowledgeAllSchema>;

/** Alerts acknowledged: the tablet drops them, and each phone recognises its own (the ids are random). */
export interface AlertIds {
  alertIds: string[];
}
