// Embeddings: a small semantic search. The documents are embedded in one batchEmbedContents call
// (RETRIEVAL_DOCUMENT, 768 dimensions), the question with embedContent (RETRIEVAL_QUERY), and the
// documents ranked by cosine similarity; then an image and its caption are embedded together with
// gemini-embedding-2 (one multimodal embedding), and what it all cost is priced per modality.
//
//   node scripts/run-example.mjs embeddings
//
// With GEMINI_API_KEY set it asks Gemini; without, gemloop's fake answers offline. The fake's
// vectors are seeded by a hash of the content, so offline only identical text is similar: the
// question offline is the refunds document's own text, which then ranks first with a score of 1.

import { createEmbeddings, type EmbeddingUsage, embeddingCostOf } from '@gemloop/core/embeddings';
import { addCosts, type Cost } from '@gemloop/core/models';
import { createPixels, encodePng, fill } from '../lib/encode-png.ts';
import { run } from '../lib/run.ts';

const MODEL = 'gemini-embedding-2';
const DOCUMENTS = [
  'Refunds are paid back to the original card within 14 days of the return arriving.',
  'Orders over 50 euros ship free within the European Union.',
  'The support line is open Monday to Friday, 9:00 to 17:00 CET.',
  'Gift cards never expire and can be used for any product in the shop.',
];

/** Cosine similarity. Vectors below 3072 dimensions are not normalised by every model. */
function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return dot / Math.sqrt(normA * normB);
}

function dollars(cost: Cost): string {
  return cost.total === null ? `unknown (${cost.unknown})` : `$${cost.total}`;
}

await run(
  async ({ gemini, offline }) => {
    const embeddings = createEmbeddings(gemini);
    let spent: Cost = embeddingCostOf(undefined, MODEL);
    const count = (usage: EmbeddingUsage | undefined) => {
      spent = addCosts(spent, embeddingCostOf(usage, MODEL));
    };

    const indexed = await embeddings.batchEmbedContents({
      model: MODEL,
      taskType: 'RETRIEVAL_DOCUMENT',
      outputDimensionality: 768,
      requests: DOCUMENTS,
    });
    count(indexed.usageMetadata);
    console.log(
      `indexed ${indexed.embeddings.length} documents, ${indexed.embeddings[0]?.values.length} dimensions each`,
    );

    const question = offline ? (DOCUMENTS[0] as string) : 'How long does a refund take?';
    const query = await embeddings.embedContent({
      model: MODEL,
      content: question,
      taskType: 'RETRIEVAL_QUERY',
      outputDimensionality: 768,
    });
    count(query.usageMetadata);
    const ranked = indexed.embeddings
      .map((embedding, index) => ({
        document: DOCUMENTS[index] as string,
        score: cosine(query.embedding.values, embedding.values),
      }))
      .sort((a, b) => b.score - a.score);
    console.log(`question: ${question}`);
    for (const { document, score } of ranked) console.log(`  ${score.toFixed(3)}  ${document}`);

    // A red square and its caption: both parts give one embedding in the same space as text.
    const pixels = createPixels(16, 16, [255, 255, 255]);
    fill(pixels, [220, 30, 30], (x, y) => x > 3 && x < 12 && y > 3 && y < 12);
    const data = Buffer.from(encodePng(pixels)).toString('base64');
    const image = await embeddings.embedContent({
      model: MODEL,
      content: [{ text: 'A red square.' }, { inlineData: { mimeType: 'image/png', data } }],
    });
    count(image.usageMetadata);
    console.log(`image and caption: one embedding of ${image.embedding.values.length} dimensions`);
    console.log(`cost: ${dollars(spent)}`);
  },
  { description: 'Semantic search over a few documents with Gemini embeddings.' },
);
