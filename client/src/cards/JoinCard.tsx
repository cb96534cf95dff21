import type { TableLink } from "../../../shared/api.ts";
import { formatJoinCode } from "../../../shared/joinCodes.ts";
import type { Language } from "../../../shared/schema/language.ts";
import { format, STRINGS } from "../i18n/strings.ts";
import { QrCode } from "./QrCode.tsx";

/** "samla.example.se/join": where to type the code, from the link the server made (PUBLIC_URL). */
function joinAddress(joinUrl: string): string {
  try {
    const url = new URL(joinUrl);
    return `${url.host}/join`;
  } catch {
    return joinUrl.replace(/\/[^/]*$/, "");
  }
}

/**
 * One table's card: in the workshop's language (it lies on the table for its participants,
 * whatever language the facilitator's screen is in).
 */
export function JoinCard({
  table,
  workshopTitle,
  language,
}: {
  table: TableLink;
  workshopTitle: string;
  language: Language;
}) {
  const words = STRINGS[language];
  const headingId = `card-${table.id}`;
  // The address stands out in the sentence: it is what people type.
  const [before = "", after = ""] = words.cardsInstruction.split("{address}");
  return (
    <article className="join-card" lang={language} aria-labelledby={headingId}>
      <p className="join-card__workshop">{workshopTitle}</p>
      <h2 id={headingId} className="join-card__table">
        {table.name}
      </h2>
      <div className="join-card__body">
        <div className="join-card__text">
          <p className="join-card__instruction">
            {before}
            <strong className="join-card__address">{joinAddress(table.joinUrl)}</strong>
            {after}
          </p>
          <p className="join-card__code">{formatJoinCode(table.joinCode)}</p>
          <p className="join-card__scan">{words.cardsOrScan}</p>
        </div>
        <QrCode
          className="join-card__qr"
          value={table.joinUrl}
          label={format(words.cardsQrLabel, { url: table.joinUrl })}
        />
      </div>
      <p className="join-card__url">{table.joinUrl}</p>
    </article>
  );
}
