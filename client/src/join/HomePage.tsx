import { NarrowPage } from "../components/NarrowPage.tsx";
import { useT } from "../i18n/useT.ts";
import { navigate } from "../routes.ts";
import { JoinForm } from "./JoinForm.tsx";

export function HomePage() {
  const t = useT();
  return (
    <NarrowPage>
      <p>{t("homeIntro")}</p>
      <JoinForm />
      <p>
        <a
          href="/new"
          onClick={(event) => {
            // In the app, no reload; a new tab or window still gets the plain link.
            if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
            event.preventDefault();
            navigate("/new");
          }}
        >
          {t("setupCreateLink")}
        </a>
      </p>
    </NarrowPage>
  );
}
