import type { MailMessages } from './en-mail.js';

/** Sentences of a person's own settings (notification e-mail), in French. */
export const mailMessages: MailMessages = {
  settingsTitle: 'Vos paramètres',
  emailLabel: 'M’envoyer mes notifications par courrier électronique',
  emailHint:
    'Chaque notification destinée à votre rôle est également envoyée à votre adresse électronique. Les courriers relatifs aux consultations et aux pièces n’en contiennent jamais le contenu, seulement un lien : connectez-vous pour le lire.',
  notConfigured: 'Ce nœud n’envoie pas encore de courrier électronique : son opérateur doit le configurer. Votre choix est conservé pour le moment où il le fera.',
  save: 'Enregistrer les paramètres',
  saving: 'Enregistrement…',
  savedOn: 'Enregistré. Les notifications vous parviendront également par courrier électronique.',
  savedOff: 'Enregistré. Les notifications ne vous parviendront plus par courrier électronique.',
};
