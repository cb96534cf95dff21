import type { Translate } from "../i18n/useT.ts";
import { ItemList } from "./ItemList.tsx";
import { defaultTableNames, fieldId, LIMITS, type SetupDraft, word } from "./model.ts";
import { TextField } from "./TextField.tsx";

interface TablesFieldProps {
  readonly draft: SetupDraft;
  readonly onChange: (patch: Partial<SetupDraft>) => void;
  readonly errorFor: (id: string) => string | undefined;
  readonly focus: (id: string) => void;
  readonly t: Translate;
}

/** How many tables, or their names. Each gets a join card; more can be added during the day. */
export function TablesField({ draft, onChange, errorFor, focus, t }: TablesFieldProps) {
  const tableWord = word(draft.language, "setupTableWord");

  function chooseNames() {
    // Start from the names the count would have given, so the list is never empty.
    const tableNames = draft.tableNames.length > 0 ? draft.tableNames : defaultTableNames(draft);
    onChange({ tableMode: "names", tableNames });
  }

  return (
    <fieldset className="setup-section">
      <legend>
        <h2>{t("setupTablesLegend")}</h2>
      </legend>
      <div className="choices">
        <label className="choice">
          <input
            type="radio"
            name="table-mode"
            checked={draft.tableMode === "count"}
            onChange={() => onChange({ tableMode: "count" })}
          />
          {t("setupTablesCount")}
        </label>
        <label className="choice">
          <input
            type="radio"
            name="table-mode"
            checked={draft.tableMode === "names"}
            onChange={chooseNames}
          />
          {t("setupTablesNames")}
        </label>
      </div>
      {draft.tableMode === "count" ? (
        <TextField
          id={fieldId.tableCount}
          className="field--count"
          label={t("setupTableCountLabel")}
          hint={t("setupTableCountHint", { max: LIMITS.tables, word: tableWord })}
          error={errorFor(fieldId.tableCount)}
          value={draft.tableCount}
          onChange={(tableCount) => onChange({ tableCount })}
          inputMode="numeric"
        />
      ) : (
        <ItemList
          items={draft.tableNames}
          onChange={(tableNames) => onChange({ tableNames })}
          idOf={fieldId.tableName}
          label={(n) => t("setupTableNameLabel", { n })}
          removeLabel={(n) => t("setupRemoveTable", { n })}
          removeText={t("setupRemove")}
          addLabel={t("setupAddTable")}
          addId={fieldId.addTable}
          min={1}
          max={LIMITS.tables}
          maxHint={t("setupMaxTables", { max: LIMITS.tables })}
          errorFor={errorFor}
          focus={focus}
          lang={draft.language}
        />
      )}
    </fieldset>
  );
}
