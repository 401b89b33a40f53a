// README: "Embeddings". Documents embedded in one call, a question embedded, an image with its
// caption as one multimodal embedding, and what it cost; run against the fake, which serves them.
import { createGemini } from '@gemloop/core';
import { createEmbeddings, embeddingCostOf } from '@gemloop/core/embeddings';

const gemini = createGemini();
const embeddings = createEmbeddings(gemini);

const documents = await embeddings.batchEmbedContents({
  model: 'gemini-embedding-2',
  taskType: 'RETRIEVAL_DOCUMENT', // the model tunes the vector for what it is for
  outputDimensionality: 768, // 1..3072; fewer dimensions, smaller index
  requests: ['Refunds take 14 days.', 'Shipping is free over 50 euros.'], // at most 100 a call
});
const query = await embeddings.embedContent({
  model: 'gemini-embedding-2',
  content: 'How long does a refund take?',
  taskType: 'RETRIEVAL_QUERY',
  outputDimensionality: 768,
});
const image = await embeddings.embedContent({
  model: 'gemini-embedding-2', // text, images, audio, video and PDFs in one space
  content: [
    { text: 'A red square.' },
    { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
  ],
});
console.log(
  documents.embeddings.length,
  query.embedding.values.length,
  image.embedding.values.length,
);
console.log(embeddingCostOf(query.usageMetadata, 'gemini-embedding-2').total); // dollars, per modality
