/**
 * How much a person may write in each field, in characters (Unicode code points, as zod's `max`,
 * JSON Schema's `maxLength` and the API's `text()` count them). One table for every reader: the
 * messages between nodes, the node's API (core) and the web interface's boxes, so that a box never
 * takes more than the node accepts, and the node never accepts more than its peers will.
 * Plain numbers without imports: the web interface imports this file by path, as it does the
 * protocol's other modules without I/O, and it costs the page nothing.
 */
export const limits = {
  /** Accounts and API tokens: the node's own, never sent to another node. */
  account: { email: 254, passwordMin: 12, password: 256, displayName: 200, tokenName: 100 },
  /** A point of contact in the directory that every peer receives. */
  contact: { name: 200, organisation: 200, position: 200, email: 254, phone: 40, timeZone: 64, hours: 200, languages: 20 },
  /**
   * A communication check and its confirmation; `minutesMin` and `minutesMax` bound, in minutes, the
   * time the other state is given to confirm (five minutes to seven days).
   */
  check: { note: 500, confirmedBy: 200, minutesMin: 5, minutesMax: 7 * 24 * 60 },
  consultation: {
    title: 300,
    summary: 20_000,
    actionsRequested: 10_000,
    message: 20_000,
    attributionGroup: 200,
    attributionStatement: 5000,
    attributionReasons: 5000,
  },
  request: {
    title: 300,
    summary: 20_000,
    message: 20_000,
    reference: 100,
    authority: 500,
    caseNumber: 100,
    proceedings: 5000,
    offence: 2000,
    articles: 500,
    dataSought: 10_000,
    /** The link to the offence, custodian or location, persons, necessity, procedure, risk to life. */
    particulars: 5000,
    confidentiality: 2000,
    timeLimits: 2000,
    relatedNote: 500,
    reasons: 10_000,
    conditions: 10_000,
    custodyBy: 200,
    custodyOrganisation: 200,
    custodyNote: 1000,
  },
  /** The requesting officer's contact details in a request. */
  requestContact: { name: 200, position: 200, phone: 40, email: 254, officeHours: 200, timeZone: 64, preferredChannel: 200 },
  /** The instruments that apply between two states (the node's own record). */
  legalBasis: { articles: 500, notes: 2000 },
  norms: { statement: 5000, source: 500, note: 10_000, noteSources: 20 },
  /** One indicator of compromise as typed or pasted (a URL, a domain, an address, a hash). */
  indicator: { value: 2048 },
  /** A search of consultations or requests. */
  search: 200,
  /** A peer node's address as an administrator gives it. */
  peerUrl: 500,
} as const;
