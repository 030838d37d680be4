/** Sentences of a person's own settings (notification e-mail), in English. */
export const mailMessages = {
  settingsTitle: 'Your settings',
  emailLabel: 'E-mail me my notifications',
  emailHint:
    'Each notification for your role is also sent to your e-mail address. E-mails about consultations and evidence never include their content, only a link: sign in to read it.',
  notConfigured: 'This node does not send e-mail yet: the operator of the node has to configure it. Your choice is kept for when it does.',
  save: 'Save settings',
  saving: 'Saving…',
  savedOn: 'Saved. Notifications will also reach you by e-mail.',
  savedOff: 'Saved. Notifications will no longer reach you by e-mail.',
};
export type MailMessages = typeof mailMessages;
