import { isolate } from './isolate.js';

/**
 * The words of a draft case's form and page that consultations and cooperation requests share:
 * editing, saving, sending, a conflicting change and deleting. What differs between the two (the
 * question before sending, a sent case that can no longer be edited) stays with each.
 */
export const draftsMessages = {
  editTitle: (title: string) => `Edit the draft “${isolate(title)}”`,
  edit: 'Edit the draft',
  saveDraft: 'Save draft',
  saving: 'Saving…',
  savedDraft: (title: string) => `The draft “${isolate(title)}” is saved. Other states do not see it until you send it.`,
  send: 'Send…',
  sendNow: 'Yes, send it',
  sending: 'Sending…',
  sendGroup: 'Confirm sending',
  conflict: 'Someone changed this draft after you opened it. Load the latest version, then make your changes again.',
  loadLatest: 'Load the latest version',
  deleteDraft: 'Delete the draft',
  deleteQuestion: (title: string) => `Delete the draft “${isolate(title)}”? This cannot be undone.`,
  deleteYes: 'Yes, delete it',
  deleted: (title: string) => `The draft “${isolate(title)}” was deleted.`,
};
export type DraftsMessages = typeof draftsMessages;
