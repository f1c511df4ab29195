/**
 * The one licence of Cigale's open data: Licence Ouverte / Open Licence 2.0 (Etalab). data.gouv.fr
 * matches it by URL, by its udata id `lov2` or by the SPDX id `etalab-2.0` (udata's licence list),
 * so every surface states all three forms it can.
 */
export const LICENCE = {
  spdx: "etalab-2.0",
  url: "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
  title: { fr: "Licence Ouverte / Open Licence version 2.0", en: "Open Licence version 2.0 (Etalab)" },
} as const;

/** RFC 8288 link to the licence (relation "license", RFC 4946): the licence of files without a place for it (CSV). */
export const LICENCE_LINK = `<${LICENCE.url}>; rel="license"; title="${LICENCE.spdx}"`;
