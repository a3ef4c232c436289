// Writes the tokenizer fixtures and the ids Hugging Face tokenizers gives for them, so the C# tests can check the
// tokenizer.json reader against the reference implementation without network access or model downloads.
// Rerun (from this folder): npm install tokenizers@0.23.2 && node make-fixtures.mjs
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const { Tokenizer, byteLevelAlphabet, byteLevelPreTokenizer } = createRequire(import.meta.url)('tokenizers');

const gpt2Split = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const qwen2Split = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const llama3Split = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const corpus = [
  "The quick brown fox jumps over the lazy dog. The dog didn't care; it's the fox's problem.",
  "We delve into the data: 12,345 documents, 2024-06-01, and 3.14159 percent of them were synthetic.",
  "In the end, the model's answer was THE answer. They're sure we'll see it, I'm told, you've seen it.",
  "Café naïve résumé — “quoted” text… and a tab\there, new lines\n\nand   spaces.",
  "honestly the registry tracks provenance of training corpora, the human text and the synthetic text",
];

// A greedy byte-level BPE learned on the corpus: enough merges for multi-character tokens in every style.
function learnMerges(count) {
  const words = new Map();
  const split = byteLevelPreTokenizer(false, true);
  for (const line of corpus) {
    for (const [piece] of split.preTokenizeString(line)) {
      words.set(piece, (words.get(piece) ?? 0) + 1);
    }
  }
  let symbols = [...words.entries()].map(([w, n]) => [[...w], n]);
  const merges = [];
  while (merges.length < count) {
    const pairs = new Map();
    for (const [s, n] of symbols) {
      for (let i = 0; i + 1 < s.length; i++) {
        const key = s[i] + '\u0000' + s[i + 1];
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best = null;
    for (const [k, n] of pairs) {
      if (best === null || n > best[1] || (n === best[1] && k < best[0])) best = [k, n];
    }
    if (best === null) break;
    const [a, b] = best[0].split('\u0000');
    merges.push([a, b]);
    symbols = symbols.map(([s, n]) => {
      const out = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) { out.push(a + b); i++; } else out.push(s[i]);
      }
      return [out, n];
    });
  }
  return merges;
}

const merges = learnMerges(160);
const vocab = {};
for (const c of [...byteLevelAlphabet()].sort()) vocab[c] = Object.keys(vocab).length;
for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = Object.keys(vocab).length;
const base = Object.keys(vocab).length;

const byteLevel = (useRegex) => ({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: useRegex });
const added = (names) => names.map((content, i) => ({
  id: base + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
}));
const model = (mergeForm) => ({
  type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false,
  byte_fallback: false, ignore_merges: false, vocab,
  merges: mergeForm === 'strings' ? merges.map(([a, b]) => `${a} ${b}`) : merges,
});

const styles = {
  gpt2: {
    added_tokens: added(['<|endoftext|>']),
    normalizer: null,
    pre_tokenizer: byteLevel(true),
    post_processor: byteLevel(true),
    decoder: byteLevel(true),
    model: model('strings'),
  },
  qwen2: {
    added_tokens: added(['<|endoftext|>', '<|im_start|>', '<|im_end|>']),
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'Split', pattern: { Regex: qwen2Split }, behavior: 'Isolated', invert: false }, byteLevel(false)],
    },
    post_processor: byteLevel(false),
    decoder: byteLevel(false),
    model: model('arrays'),
  },
  llama3: {
    added_tokens: added(['<|begin_of_text|>', '<|end_of_text|>']),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'Split', pattern: { Regex: llama3Split }, behavior: 'Isolated', invert: false }, byteLevel(false)],
    },
    post_processor: {
      type: 'Sequence',
      processors: [
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
        {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: '<|begin_of_text|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [
            { SpecialToken: { id: '<|begin_of_text|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: '<|begin_of_text|>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } },
          ],
          special_tokens: { '<|begin_of_text|>': { id: '<|begin_of_text|>', ids: [base], tokens: ['<|begin_of_text|>'] } },
        },
      ],
    },
    decoder: byteLevel(true),
    model: model('arrays'),
  },
  falcon: {
    added_tokens: added(['>>ABSTRACT<<', '<|endoftext|>']),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Punctuation', behavior: 'Contiguous' },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
        { type: 'Digits', individual_digits: false },
        { type: 'Split', pattern: { Regex: '[0-9][0-9][0-9]' }, behavior: 'Isolated', invert: false },
      ],
    },
    post_processor: null,
    decoder: byteLevel(true),
    model: model('strings'),
  },
};

const samples = [
  ...corpus,
  "I'M SURE IT'S FINE, WE'LL SEE. They'RE here.",
  "Numbers: 1234567 and 42, 7.5%, $1,000,000!!! ... ?!",
  "  leading spaces, trailing spaces   ",
  "line one\r\nline two\n\n\n   indented\tand tabbed",
  "Cafe\u0301 (decomposed) vs Café, ﬁ ligature, Ω, 中文字符, emoji 🙂👍🏽",
  "<|endoftext|>text around<|endoftext|> special <|im_start|>tokens",
  "(parenthesised) [bracketed] {braced} 'single' \"double\" --- dashes",
  "",
];

const expected = {};
for (const [name, body] of Object.entries(styles)) {
  const json = JSON.stringify({ version: '1.0', truncation: null, padding: null, ...body });
  const tokenizer = Tokenizer.fromString(json);
  writeFileSync(`${name}.tokenizer.json`, json);
  expected[name] = [];
  for (const text of samples) {
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: true });
    expected[name].push({ text, ids: encoding.getIds() });
  }
}
// One sample per line keeps the file diffable.
const lines = Object.entries(expected).map(([name, rows]) =>
  `  ${JSON.stringify(name)}: [\n${rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]`);
writeFileSync('expected-ids.json', `{\n${lines.join(',\n')}\n}\n`);
