// RFC 4180 records: fields separated by a delimiter, records by CRLF, LF or CR. A field may be quoted
// ("..."), and then it may hold the delimiter, line breaks and doubled quotes (""). Blanks (spaces and
// tabs) around a field are not part of it. Records made only of blanks are skipped, as empty lines are.

/** One record and the line it starts on (1-based, counting line breaks inside quoted fields). */
export interface CSVRecord {
  fields: string[];
  line: number;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r';

/** Line breaks in `s`, counting CRLF once. */
function countBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\n' || (s[i] === '\r' && s[i + 1] !== '\n')) n++;
  }
  return n;
}

/**
 * Splits `text` into records of fields. `caller` names the public function in errors: an unclosed
 * quote, text after a closing quote and a quote inside an unquoted field throw, naming the line.
 */
export function csvRecords(text: string, delimiter: string, caller: string): CSVRecord[] {
  const records: CSVRecord[] = [];
  const n = text.length;
  const atDelimiter = (at: number): boolean =>
    text[at] === delimiter[0] && (delimiter.length === 1 || text.startsWith(delimiter, at));
  const skipBlanks = (at: number): number => {
    while (at < n && isBlank(text[at]) && !atDelimiter(at)) at++;
    return at;
  };
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not part of the first name
  let line = 1;
  while (i < n) {
    const fields: string[] = [];
    const start = line;
    let anyQuoted = false;
    for (;;) {
      const first = skipBlanks(i);
      if (text[first] === '"') {
        anyQuoted = true;
        const opened = line;
        let value = '';
        let at = first + 1;
        for (;;) {
          const close = text.indexOf('"', at);
          if (close < 0) throw new SyntaxError(`${caller}: line ${opened}: a quoted field is never closed`);
          const part = text.slice(at, close);
          value += part;
          line += countBreaks(part);
          if (text[close + 1] !== '"') {
            at = close + 1;
            break;
          }
          value += '"';
          at = close + 2;
        }
        i = skipBlanks(at);
        if (i < n && !atDelimiter(i) && !isBreak(text[i])) {
          throw new SyntaxError(
            `${caller}: line ${line}: unexpected ${JSON.stringify(text[i])} after a closing quote (expected a delimiter or the end of the line; write a quote inside a quoted field as "")`,
          );
        }
        fields.push(value);
      } else {
        let end = i;
        while (end < n && !atDelimiter(end) && !isBreak(text[end])) {
          if (text[end] === '"') {
            throw new SyntaxError(
              `${caller}: line ${line}: a quote inside an unquoted field (quote the whole field and double the quote: "a""b")`,
            );
          }
          end++;
        }
        fields.push(text.slice(i, end).trim());
        i = end;
      }
      if (i < n && atDelimiter(i)) i += delimiter.length;
      else break;
    }
    if (text[i] === '\r') i += text[i + 1] === '\n' ? 2 : 1;
    else if (text[i] === '\n') i++;
    line++;
    if (anyQuoted || fields.length > 1 || fields[0] !== '') records.push({ fields, line: start });
  }
  return records;
}
