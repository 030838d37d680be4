import type { TlpMessages } from './en-tlp.js';

/**
 * The Traffic Light Protocol (FIRST TLP 2.0) in French. The labels themselves are never
 * translated; the definitions render FIRST's short definitions, and should be replaced by
 * FIRST's published French text where it differs.
 */
export const tlpMessages: TlpMessages = {
  marking: 'Marquage de diffusion :',
  definitions: {
    CLEAR: 'Les destinataires peuvent diffuser cette information au monde entier ; sa divulgation n’est pas limitée.',
    GREEN: 'Divulgation limitée : les destinataires peuvent diffuser cette information au sein de leur communauté.',
    AMBER: 'Divulgation limitée : les destinataires ne peuvent diffuser cette information qu’en cas de besoin d’en connaître, au sein de leur organisation et auprès de ses clients.',
    'AMBER+STRICT': 'Diffusion limitée à la seule organisation.',
    RED: 'Réservé aux seuls destinataires nommément désignés ; aucune autre divulgation.',
  },
};
