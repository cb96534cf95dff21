import { useId } from "react";
import { isLanguage } from "../../../shared/schema/language.ts";
import { useLanguage, useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";

/** Per-device language choice; the workshop's language is the default. */
export function LanguageSwitch() {
  const t = useT();
  const language = useLanguage();
  const setDeviceLanguage = useAppStore((state) => state.setDeviceLanguage);
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id}>{t("languageLabel")}</label>
      <select
        id={id}
        value={language}
        onChange={(event) => {
          if (isLanguage(event.target.value)) setDeviceLanguage(event.target.value);
        }}
      >
        <option value="sv" lang="sv">
          {t("languageSv")}
        </option>
        <option value="en" lang="en">
          {t("languageEn")}
        </option>
      </select>
    </div>
  );
}
