import { Type } from "@sinclair/typebox";
import { ID_PATTERN_SOURCE } from "../../shared/ids.ts";
import { LANGUAGES } from "../../shared/schema/language.ts";

/**
 * Visible text: no control characters but tab (C0, DEL, C1, line and paragraph separators), and
 * at least one character that is neither space nor control nor invisible format (zero-width…).
 * Every character is checked by the repetition; the look-ahead only finds a visible one. (A bare
 * `\S` between two classes let one control character through, since `\S` matches controls.)
 * Ajv compiles patterns with the `u` flag, so `\p{…}` works; both parts run in linear time.
 */
const TEXT_PATTERN = "^(?=[^]*?[^\\s\\p{Cc}\\p{Cf}])(?:\\t|[^\\p{Cc}\\u2028\\u2029])*$";

const text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: TEXT_PATTERN });

export const Id = Type.String({ pattern: ID_PATTERN_SOURCE });

export const CreateWorkshopBody = Type.Object(
  {
    title: text(200),
    language: Type.Optional(Type.Union(LANGUAGES.map((language) => Type.Literal(language)))),
    tables: Type.Optional(
      Type.Union([
        Type.Integer({ minimum: 1, maximum: 100 }),
        Type.Array(text(80), { minItems: 1, maxItems: 100 }),
      ]),
    ),
    rounds: Type.Optional(
      Type.Array(
        Type.Object(
          {
            title: text(300),
            prompts: Type.Optional(Type.Array(text(300), { minItems: 1, maxItems: 10 })),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 30 },
      ),
    ),
    perspectives: Type.Optional(Type.Array(text(120), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const JoinBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
);

export const WorkshopParams = Type.Object({ id: Id }, { additionalProperties: false });

export const AddTableBody = Type.Object({ name: text(80) }, { additionalProperties: false });
