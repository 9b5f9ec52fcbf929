// What a reader sees of a step summary's text: its numeric character references (how the summary escapes server
// text) turned back into characters, so a test can look for a sentence as it reads.
export function shown(markdown: string): string {
  return markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
}
