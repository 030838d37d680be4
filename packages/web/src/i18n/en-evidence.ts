import { evidenceLabels } from '../../../core/src/api/labels.js';
import { isolate } from './isolate.js';

/** Sentences of the evidence upload and list, in English. */
export const evidenceMessages = {
  uploadLegend: 'Evidence files',
  uploadHelp: 'Logs, packet captures, disk images, malware samples: any size. Each file is fingerprinted (SHA-256) as it uploads, so both states can later show it is the same file.',
  chooseFiles: 'Choose files',
  malwareLabel: 'These files are malware samples',
  malwareHelp: 'Parley never opens or runs any file. Marked samples are also downloaded with a warning and a “.malware-sample” ending, so that no program opens them by mistake.',
  upload: 'Upload',
  uploading: (name: string) => `Uploading ${isolate(name)}…`,
  progress: (done: string, total: string, percent: number) => `${done} of ${total} (${percent}%)`,
  uploaded: (name: string) => `${isolate(name)} uploaded.`,
  alreadyUploaded: 'Already uploaded',
  failed: (name: string, reason: string) => `${isolate(name)} was not uploaded: ${reason}`,
  cancelled: 'The upload was cancelled; nothing was stored.',
  network: 'The connection to this node was lost during the upload; nothing was stored. Try again.',
  tooLarge: 'The file is larger than this node accepts.',
  cancel: 'Cancel upload',
  noFiles: 'No evidence files.',
  name: 'File',
  size: 'Size',
  sha256: 'SHA-256',
  copySha: 'Copy SHA-256',
  status: 'Status',
  from: 'From',
  download: 'Download',
  downloadSample: 'Download sample',
  malwareBadge: evidenceLabels.malware,
  malwareWarning: 'This is a malware sample. Download it only to an isolated analysis system; do not open it.',
  statuses: evidenceLabels.statuses,
  transferProgress: (done: string, total: string, percent: number) => `${done} of ${total} received (${percent}%)`,
  retrying: (reason: string) => `Will try again: ${reason}`,
  failedReason: (reason: string) => `Reason: ${reason}`,
  units: ['bytes', 'KB', 'MB', 'GB', 'TB'] as readonly string[],
};
export type EvidenceMessages = typeof evidenceMessages;
