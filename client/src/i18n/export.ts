/** After the day: the report and the archive in the console, and restoring an archive. Swedish first; English must have the same keys. */
export const exportSv = {
  exportHeading: "Exportera",
  exportIntro:
    "Rapporten i Markdown: teman, slutsatser och alla synliga lappar, redo för den skrivna rapporten.",
  exportMarkdown: "Exportera som Markdown",
  exportCopyMarkdown: "Kopiera Markdown",
  exportDownloadArchive: "Ladda ner arkiv (JSON)",
  exportArchiveHint:
    "Allt som behövs för att återskapa workshoppen på en annan server. Nycklar och koder ingår inte.",
  exportArchiveWarning:
    "Arkivet innehåller alla lappar, även dolda. Förvara filen lika säkert som workshoppen själv.",
  exportBusy: "Hämtar …",
  exportDownloaded: "{file} är nedladdad.",
  exportCopied: "Rapporten är kopierad.",
  exportCopyFallbackLabel: "Rapporten i Markdown",
  exportCopyFallbackHint: "Texten är markerad: kopiera den med Ctrl+C (⌘C på Mac).",
  exportErrorNetwork: "Det gick inte att nå servern. Kontrollera nätverket och försök igen.",
  exportErrorKey:
    "Nyckeln i den här webbläsaren får inte exportera workshoppen. Öppna facilitatorns länk igen.",
  exportErrorGone: "Workshoppen finns inte längre.",
  exportErrorServer: "Något gick fel på servern. Försök igen om en stund.",

  importHeading: "Återställ från ett arkiv",
  importIntro:
    "Har du ett arkiv (.samla.json) från en tidigare workshop? Återställ det som en ny workshop med nya länkar och koder.",
  importFileLabel: "Välj arkivfil (.json)",
  importSubmit: "Återställ workshoppen",
  importBusy: "Återställer …",
  importErrorNoFile: "Välj en arkivfil först.",
  importErrorUnreadable: "Det gick inte att läsa filen. Välj den igen.",
  importErrorNotJson:
    "Filen är inte JSON, så den kan inte vara ett arkiv från Samla. Välj filen som slutar på .samla.json.",
  importErrorNotArchive: "Filen är JSON men inget arkiv från Samla. Välj filen som slutar på .samla.json.",
  importErrorRejected: "Arkivet kan inte återställas. Servern säger: {message}",
  importErrorTooLarge: "Filen är för stor: ett arkiv får vara högst 20 MB.",
  importErrorNetwork: "Det gick inte att nå servern. Kontrollera nätverket och försök igen.",
  importErrorServer: "Något gick fel på servern ({code}). Försök igen om en stund.",
  importUntitled: "Återställd workshop",
} as const;

export const exportEn: Readonly<Record<keyof typeof exportSv, string>> = {
  exportHeading: "Export",
  exportIntro:
    "The report in Markdown: themes, conclusions and every visible note, ready for the written report.",
  exportMarkdown: "Export as Markdown",
  exportCopyMarkdown: "Copy Markdown",
  exportDownloadArchive: "Download archive (JSON)",
  exportArchiveHint:
    "Everything needed to rebuild the workshop on another server. Keys and codes are not included.",
  exportArchiveWarning:
    "The archive contains every note, hidden ones too. Keep the file as safe as the workshop itself.",
  exportBusy: "Fetching …",
  exportDownloaded: "{file} is downloaded.",
  exportCopied: "The report is copied.",
  exportCopyFallbackLabel: "The report in Markdown",
  exportCopyFallbackHint: "The text is selected: copy it with Ctrl+C (⌘C on a Mac).",
  exportErrorNetwork: "Could not reach the server. Check the network and try again.",
  exportErrorKey: "The key in this browser may not export the workshop. Open the facilitator's link again.",
  exportErrorGone: "The workshop no longer exists.",
  exportErrorServer: "Something went wrong on the server. Try again in a moment.",

  importHeading: "Restore from an archive",
  importIntro:
    "Do you have an archive (.samla.json) of an earlier workshop? Restore it as a new workshop with new links and codes.",
  importFileLabel: "Choose the archive file (.json)",
  importSubmit: "Restore the workshop",
  importBusy: "Restoring …",
  importErrorNoFile: "Choose an archive file first.",
  importErrorUnreadable: "Could not read the file. Choose it again.",
  importErrorNotJson:
    "The file is not JSON, so it cannot be a Samla archive. Choose the file ending in .samla.json.",
  importErrorNotArchive: "The file is JSON but not a Samla archive. Choose the file ending in .samla.json.",
  importErrorRejected: "The archive cannot be restored. The server says: {message}",
  importErrorTooLarge: "The file is too large: an archive may be at most 20 MB.",
  importErrorNetwork: "Could not reach the server. Check the network and try again.",
  importErrorServer: "Something went wrong on the server ({code}). Try again in a moment.",
  importUntitled: "Restored workshop",
};
