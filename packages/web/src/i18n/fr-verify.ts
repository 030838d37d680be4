import type { VerifyMessages } from './en-verify.js';

/** Sentences of proof bundles: the public verify page and the "Download proof" button, in French. */
export const verifyMessages: VerifyMessages = {
  title: 'Vérifier une preuve',
  intro:
    'Un fichier de preuve établit qu’un État a envoyé un message à un autre, que ce dernier en a signé un accusé de réception, et que les journaux publics des deux États ont consigné l’un et l’autre. Choisissez un fichier de preuve pour le vérifier. Aucun compte n’est nécessaire.',
  whatItMeans: 'Ce qu’une preuve valide établit, et ce qu’elle n’établit pas',
  establishes:
    'Une preuve valide établit que la clé de l’État expéditeur a signé ce message précis ; que la clé de l’État destinataire en a accusé réception, à l’heure indiquée dans son accusé de réception ; et que les journaux publics des deux États ont consigné ces deux faits, qu’aucun d’eux ne peut réécrire par la suite sans que cela soit détecté.',
  doesNotEstablish:
    'Elle n’établit pas qui détenait une clé, que le contenu est exact, qu’une personne a lu le message, ni à quel État appartient une clé : ce dernier point repose sur la comparaison des empreintes de clé avec chaque État par un canal de confiance.',
  bundleLabel: 'Fichier de preuve (.json)',
  bundleHelp: 'Le fichier téléchargé au moyen de « Télécharger la preuve » depuis un nœud Parley, ou reçu d’une personne qui l’a fait.',
  contentLabel: 'Pièce (facultatif)',
  contentHelp: 'Si la preuve divulgue une pièce, choisissez le fichier pour vérifier qu’il s’agit bien de celui qui a été envoyé. Le fichier reste sur cet ordinateur : seule son empreinte SHA-256 est transmise.',
  check: 'Vérifier la preuve',
  checking: 'Vérification…',
  chooseFile: 'Choisissez d’abord un fichier de preuve.',
  unreadable: 'Ce fichier n’a pas pu être lu comme du JSON ; il ne s’agit donc pas d’un fichier de preuve Parley.',
  valid: 'La preuve est valide',
  invalid: 'La preuve n’est PAS valide',
  where: 'Partie du fichier en cause',
  keysNote:
    'Les clés sont uniquement celles qui figurent dans le fichier de preuve. Confirmez les empreintes de clé ci-dessus avec chaque État par un canal de confiance (par exemple lors d’une réunion ou par lettre officielle) avant de vous fonder sur la preuve.',
  cli: 'La même vérification peut être effectuée hors ligne : parley verify FICHIER [--content CHEMIN] [--keys FICHIER].',
  signInLink: 'Vérifier un fichier de preuve sans se connecter',
  download: 'Télécharger la preuve',
  downloading: 'Préparation…',
  downloadHelp: 'Un fichier que chacun peut vérifier, hors ligne ou sur la page « Vérifier une preuve » de tout nœud Parley.',
  downloadFailed: (detail: string) => `La preuve n’a pas pu être préparée : ${detail}`,
};
