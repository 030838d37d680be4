import { z } from 'zod';

/** A person's own settings: whether notifications also reach them by e-mail. */
export const myPreferences = z.strictObject({
  emailNotifications: z.boolean(),
  /** Whether this node sends e-mail at all (an operator configures SMTP); the choice is kept either way. */
  mailConfigured: z.boolean(),
});
export type MyPreferences = z.infer<typeof myPreferences>;

export const updateMyPreferencesRequest = z.strictObject({
  emailNotifications: z.boolean({ error: 'Say true or false: whether to receive notifications by e-mail.' }),
});
