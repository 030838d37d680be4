import type { DraftsMessages } from './en-drafts.js';
import { isolate } from './isolate.js';

/** The words of a draft case's form and page that consultations and cooperation requests share, in French. */
export const draftsMessages: DraftsMessages = {
  editTitle: (title: string) => `Modifier le projet « ${isolate(title)} »`,
  edit: 'Modifier le projet',
  saveDraft: 'Enregistrer le projet',
  saving: 'Enregistrement…',
  savedDraft: (title: string) => `Le projet « ${isolate(title)} » est enregistré. Les autres États ne le voient pas tant que vous ne l’avez pas envoyé.`,
  send: 'Envoyer…',
  sendNow: 'Oui, l’envoyer',
  sending: 'Envoi…',
  sendGroup: 'Confirmer l’envoi',
  conflict: 'Une autre personne a modifié ce projet après que vous l’avez ouvert. Chargez la dernière version, puis apportez de nouveau vos modifications.',
  loadLatest: 'Charger la dernière version',
  deleteDraft: 'Supprimer le projet',
  deleteQuestion: (title: string) => `Supprimer le projet « ${isolate(title)} » ? Cette action est irréversible.`,
  deleteYes: 'Oui, le supprimer',
  deleted: (title: string) => `Le projet « ${isolate(title)} » a été supprimé.`,
};
