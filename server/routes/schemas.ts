import { Type } from "@sinclair/typebox";
import { ID_PATTERN_SOURCE } from "../../shared/ids.ts";
import { LANGUAGES } from "../../shared/schema/language.ts";

/** Visible text: at least one non-space character, and no control characters but tab. */
const text = (maxLength: number) =>
  Type.String({
    minLength: 1,
    maxLength,
    pattern: "^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*\\S[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*$",
  });

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
