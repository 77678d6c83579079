import type { SearchDocument } from '../src/index';

/** A fixed small catalog for the relevance contract: 3 categories under 2 roots, 8 products. */
export const CATEGORY = {
  electronics: '10000000-0000-4000-8000-000000000001',
  phones: '10000000-0000-4000-8000-000000000002',
  audio: '10000000-0000-4000-8000-000000000003',
  home: '10000000-0000-4000-8000-000000000004',
  kitchen: '10000000-0000-4000-8000-000000000005',
} as const;

const id = (n: number) => `20000000-0000-4000-8000-00000000000${n}`;
export const PRODUCT = {
  iphonePro: id(1),
  iphone: id(2),
  galaxy: id(3),
  buds: id(4),
  headphones: id(5),
  knife: id(6),
  espresso: id(7),
  pan: id(8),
} as const;

const base = Date.parse('2026-01-01T00:00:00.000Z');
const phones = {
  categoryId: CATEGORY.phones,
  categoryPath: [CATEGORY.electronics, CATEGORY.phones],
  categoryNames: ['Electronics', 'Phones'],
};
const audio = {
  categoryId: CATEGORY.audio,
  categoryPath: [CATEGORY.electronics, CATEGORY.audio],
  categoryNames: ['Electronics', 'Audio'],
};
const kitchen = {
  categoryId: CATEGORY.kitchen,
  categoryPath: [CATEGORY.home, CATEGORY.kitchen],
  categoryNames: ['Home', 'Kitchen'],
};

function doc(
  n: number,
  fields: Pick<SearchDocument, 'name' | 'description' | 'priceMin' | 'inStock' | 'attributes'> &
    Pick<SearchDocument, 'categoryId' | 'categoryPath' | 'categoryNames'>,
): SearchDocument {
  return {
    productId: id(n),
    slug: fields.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    skus: [`SKU-${n}00`],
    priceMax: fields.priceMin + 10_000,
    currency: 'USD',
    createdAt: new Date(base + n * 60_000),
    ...fields,
  };
}

export const CATALOG: SearchDocument[] = [
  doc(1, {
    ...phones,
    name: 'iPhone 15 Pro',
    description: 'Titanium design, a 48 MP camera and an all-day battery.',
    priceMin: 99_900,
    inStock: true,
    attributes: [
      { name: 'storage', value: '128 GB' },
      { name: 'storage', value: '256 GB' },
      { name: 'color', value: 'Black' },
    ],
  }),
  doc(2, {
    ...phones,
    name: 'iPhone 15',
    description: 'A bright display and a dual camera.',
    priceMin: 79_900,
    inStock: false,
    attributes: [{ name: 'storage', value: '128 GB' }],
  }),
  doc(3, {
    ...phones,
    name: 'Galaxy S24',
    description: 'An Android phone and a strong alternative to the iPhone.',
    priceMin: 79_999,
    inStock: true,
    attributes: [
      { name: 'color', value: 'Black' },
      { name: 'color', value: 'White' },
    ],
  }),
  doc(4, {
    ...audio,
    name: 'Pixel Buds',
    description: 'Wireless earbuds with noise cancelling.',
    priceMin: 19_900,
    inStock: true,
    attributes: [{ name: 'color', value: 'White' }],
  }),
  doc(5, {
    ...audio,
    name: 'Studio Headphones',
    description: 'Over-ear wireless headphones for long sessions.',
    priceMin: 34_900,
    inStock: false,
    attributes: [{ name: 'color', value: 'Black' }],
  }),
  doc(6, {
    ...kitchen,
    name: 'Chef Knife',
    description: 'A forged steel knife that keeps its edge.',
    priceMin: 4_900,
    inStock: true,
    attributes: [{ name: 'finish', value: 'Steel' }],
  }),
  doc(7, {
    ...kitchen,
    name: 'Espresso Machine',
    description: 'Pulls a rich espresso shot; steams milk too.',
    priceMin: 29_900,
    inStock: true,
    attributes: [],
  }),
  doc(8, {
    ...kitchen,
    name: 'Cast Iron Pan',
    description: 'A heavy skillet for searing.',
    priceMin: 2_900,
    inStock: false,
    attributes: [{ name: 'finish', value: 'Black' }],
  }),
];
