import { useEffect, useState } from "react";
import { NarrowPage } from "../components/NarrowPage.tsx";
import type { StringKey } from "../i18n/strings.ts";
import { useT } from "../i18n/useT.ts";
import { boardPath, navigate } from "../routes.ts";
import { joinTable } from "../session/joinTable.ts";
import { JoinForm } from "./JoinForm.tsx";

/** `/join/<code>`, what the QR code on the table card opens: joins at once, or says why not. */
export function JoinPage({ code }: { code: string }) {
  const t = useT();
  const [error, setError] = useState<StringKey | null>(null);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    joinTable(code).then((result) => {
      if (cancelled) return;
      if (result.ok) navigate(boardPath(result.join.workshopId, result.join.tableId), { replace: true });
      else setError(result.error);
    });
    return () => {
      cancelled = true;
    };
  }, [code]);

  return (
    <NarrowPage>
      {error === null ? (
        <p role="status">{t("joining")}</p>
      ) : (
        <JoinForm initialCode={code} initialError={error} />
      )}
    </NarrowPage>
  );
}
