// The body of POST /broadcasts.
import { z } from "zod";

export const broadcastRequestSchema = z.object({
  action: z.enum(["schedule", "send", "reschedule", "cancel"]),
  broadcast_id: z.uuid(),
  publish_at: z.iso.datetime({ offset: true }).optional(),
}).strict().superRefine((body, ctx) => {
  const needsTime = body.action === "schedule" || body.action === "reschedule";
  if (needsTime && !body.publish_at) {
    ctx.addIssue({ code: "custom", path: ["publish_at"], message: `publish_at is required to ${body.action}` });
  }
  if (!needsTime && body.publish_at) {
    ctx.addIssue({ code: "custom", path: ["publish_at"], message: `publish_at is not accepted for ${body.action}` });
  }
});

export type BroadcastRequest = z.infer<typeof broadcastRequestSchema>;
