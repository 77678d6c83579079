import { createHash } from 'node:crypto';
import type { Category, Product, Variant } from './model';
import { slugify } from './validation';

/**
 * The demo catalog: a category tree and 66 published products with 1–3 variants each, built
 * from a small table of product lines × models × variant options. Everything is derived from
 * names (ids included), so every run produces the same catalog.
 */

/** A uuid (version 5 layout) derived from `name`, so seeded ids are the same on every run. */
export function stableId(name: string): string {
  const hex = createHash('sha1').update(`shopgraph:product:${name}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

const CATEGORY_TREE: Array<[root: string, description: string, children: string[]]> = [
  [
    'Electronics',
    'Phones, computers and everything that plugs in.',
    ['Phones', 'Laptops', 'Audio'],
  ],
  ['Home', 'Furnish and equip every room.', ['Kitchen', 'Furniture']],
  ['Apparel', 'Clothing for every season.', ['Men', 'Women']],
  ['Books', 'Stories and ideas in print and digital.', ['Fiction', 'Non-fiction']],
  ['Sports', 'Gear for the trail, the road and the gym.', ['Outdoor', 'Fitness']],
];

interface Option {
  attribute: string;
  values: string[];
  /** Added to the model price for each later option (e.g. more storage costs more). */
  step: number;
}

const STORAGE: Option = {
  attribute: 'storage',
  values: ['128 GB', '256 GB', '512 GB'],
  step: 10_000,
};
const MEMORY: Option = { attribute: 'memory', values: ['16 GB', '32 GB', '64 GB'], step: 20_000 };
const COLOR: Option = { attribute: 'color', values: ['Black', 'White', 'Blue'], step: 0 };
const FINISH: Option = {
  attribute: 'finish',
  values: ['Natural', 'Walnut', 'Charcoal'],
  step: 5_000,
};
const SIZE: Option = { attribute: 'size', values: ['S', 'M', 'L'], step: 0 };
const FORMAT: Option = {
  attribute: 'format',
  values: ['Paperback', 'Hardcover', 'E-book'],
  step: 0,
};
const WEIGHT: Option = { attribute: 'weight', values: ['Light', 'Medium', 'Heavy'], step: 1_500 };

/** A product line: its category, a blurb, and the models (name, price in USD cents). */
const LINES: Array<{
  category: string;
  blurb: string;
  option: Option;
  models: Array<[name: string, priceCents: number]>;
}> = [
  {
    category: 'Phones',
    blurb: 'a 6.1-inch OLED display, an all-day battery and a 48 MP main camera',
    option: STORAGE,
    models: [
      ['iPhone 15', 79_900],
      ['iPhone 15 Plus', 89_900],
      ['iPhone 15 Pro', 99_900],
    ],
  },
  {
    category: 'Phones',
    blurb: 'a bright AMOLED screen, a versatile triple camera and fast wireless charging',
    option: COLOR,
    models: [
      ['Galaxy S24', 79_999],
      ['Galaxy S24 Plus', 99_999],
      ['Galaxy S24 Ultra', 129_999],
    ],
  },
  {
    category: 'Phones',
    blurb: 'clean Android, seven years of updates and a camera that shines at night',
    option: COLOR,
    models: [
      ['Pixel 8', 69_900],
      ['Pixel 8 Pro', 99_900],
      ['Pixel 8a', 49_900],
    ],
  },
  {
    category: 'Laptops',
    blurb: 'a fanless aluminium body, a Retina display and up to 18 hours of battery',
    option: MEMORY,
    models: [
      ['MacBook Air 13', 109_900],
      ['MacBook Air 15', 129_900],
      ['MacBook Pro 14', 159_900],
    ],
  },
  {
    category: 'Laptops',
    blurb: 'a legendary keyboard, military-grade durability and a matte anti-glare screen',
    option: MEMORY,
    models: [
      ['ThinkPad X1 Carbon', 143_900],
      ['ThinkPad T14', 109_900],
      ['ThinkPad E16', 79_900],
    ],
  },
  {
    category: 'Laptops',
    blurb: 'a slim chassis, a vivid OLED panel and a full-size backlit keyboard',
    option: COLOR,
    models: [
      ['Zenbook 14 OLED', 99_900],
      ['Vivobook 15', 59_900],
      ['Swift Go 14', 74_900],
    ],
  },
  {
    category: 'Audio',
    blurb: 'industry-leading noise cancelling and 30 hours of listening per charge',
    option: COLOR,
    models: [
      ['WH-1000XM5 Headphones', 39_999],
      ['QuietComfort Ultra Headphones', 42_900],
      ['AirPods Pro', 24_900],
    ],
  },
  {
    category: 'Audio',
    blurb: 'room-filling sound, deep bass and a splash-proof design',
    option: COLOR,
    models: [
      ['Era 100 Speaker', 24_900],
      ['Flip 6 Portable Speaker', 12_999],
      ['Boom 3 Speaker', 14_999],
    ],
  },
  {
    category: 'Kitchen',
    blurb: 'professional-grade materials that last for decades',
    option: FINISH,
    models: [
      ["Chef's Knife 8-inch", 12_900],
      ['Cast Iron Skillet 10-inch', 4_500],
      ['Dutch Oven 5.5 qt', 34_900],
    ],
  },
  {
    category: 'Kitchen',
    blurb: 'café-quality coffee at home, from bean to cup',
    option: COLOR,
    models: [
      ['Espresso Machine', 59_900],
      ['Pour-Over Kettle', 8_900],
      ['Burr Coffee Grinder', 16_900],
    ],
  },
  {
    category: 'Furniture',
    blurb: 'solid wood, clean lines and easy assembly',
    option: FINISH,
    models: [
      ['Oak Dining Chair', 18_900],
      ['Walnut Coffee Table', 49_900],
      ['Linen Three-Seat Sofa', 149_900],
    ],
  },
  {
    category: 'Furniture',
    blurb: 'ergonomic design for long, comfortable workdays',
    option: FINISH,
    models: [
      ['Standing Desk', 59_900],
      ['Ergonomic Office Chair', 44_900],
      ['Five-Tier Bookshelf', 17_900],
    ],
  },
  {
    category: 'Men',
    blurb: 'breathable natural fibres and a tailored modern fit',
    option: SIZE,
    models: [
      ['Oxford Shirt', 6_900],
      ['Slim Chino Pants', 7_900],
      ['Merino Crewneck Sweater', 11_900],
    ],
  },
  {
    category: 'Men',
    blurb: 'weather-ready layers with a lifetime repair promise',
    option: SIZE,
    models: [
      ['Denim Jacket', 12_900],
      ['Packable Rain Shell', 14_900],
      ['Down Puffer Vest', 15_900],
    ],
  },
  {
    category: 'Women',
    blurb: 'soft fabrics, flattering cuts and everyday comfort',
    option: SIZE,
    models: [
      ['Linen Midi Dress', 9_900],
      ['High-Rise Straight Jeans', 8_900],
      ['Cashmere Cardigan', 18_900],
    ],
  },
  {
    category: 'Women',
    blurb: 'timeless pieces built to be worn for years',
    option: SIZE,
    models: [
      ['Classic Trench Coat', 24_900],
      ['Silk Button-Up Blouse', 12_900],
      ['High-Waist Running Leggings', 7_900],
    ],
  },
  {
    category: 'Fiction',
    blurb: 'a novel readers call impossible to put down',
    option: FORMAT,
    models: [
      ['The Silent Harbor', 1_899],
      ['Glass Orchard', 2_499],
      ['A Map of Small Stars', 1_699],
    ],
  },
  {
    category: 'Fiction',
    blurb: 'an award-winning story of family, memory and the sea',
    option: FORMAT,
    models: [
      ['The Lighthouse Keeper’s Daughter', 1_999],
      ['Winter in Valparaíso', 2_299],
      ['Northbound Night Train', 1_599],
    ],
  },
  {
    category: 'Non-fiction',
    blurb: 'clear, practical and backed by years of research',
    option: FORMAT,
    models: [
      ['The Practical Engineer', 3_499],
      ['Salt and Smoke: A Cooking History', 2_999],
      ['Deep Work Habits', 2_199],
    ],
  },
  {
    category: 'Outdoor',
    blurb: 'tested on real trails in every kind of weather',
    option: SIZE,
    models: [
      ['Trail Running Shoes', 13_900],
      ['Hiking Backpack 30L', 11_900],
      ['Two-Person Backpacking Tent', 29_900],
    ],
  },
  {
    category: 'Fitness',
    blurb: 'built for daily training at home or at the gym',
    option: WEIGHT,
    models: [
      ['Adjustable Dumbbells', 29_900],
      ['Cast Iron Kettlebell', 5_900],
      ['Resistance Band Set', 2_900],
    ],
  },
  {
    category: 'Fitness',
    blurb: 'helps you track progress and stay motivated',
    option: COLOR,
    models: [
      ['Fitness Tracker Band', 9_900],
      ['Non-Slip Yoga Mat', 6_900],
      ['Insulated Water Bottle', 3_500],
    ],
  },
];

/** First seeded product's creation time; each next one is a minute later, for a stable order. */
const SEED_EPOCH = Date.UTC(2025, 0, 1);

export interface SeedCatalog {
  categories: Category[];
  products: Product[];
  variants: Variant[];
}

/** Builds the demo catalog (no I/O). */
export function buildSeedCatalog(): SeedCatalog {
  const categories: Category[] = [];
  const categoryIds = new Map<string, string>();
  const created = new Date(SEED_EPOCH);
  CATEGORY_TREE.forEach(([root, description, children], rootIndex) => {
    const rootId = stableId(`category:${root}`);
    categoryIds.set(root, rootId);
    categories.push({
      id: rootId,
      slug: slugify(root),
      name: root,
      description,
      parentId: null,
      position: rootIndex,
      createdAt: created,
    });
    children.forEach((child, childIndex) => {
      const id = stableId(`category:${root}/${child}`);
      categoryIds.set(child, id);
      categories.push({
        id,
        slug: slugify(child),
        name: child,
        description: `${child} in ${root}.`,
        parentId: rootId,
        position: childIndex,
        createdAt: created,
      });
    });
  });

  const products: Product[] = [];
  const variants: Variant[] = [];
  let productIndex = 0;
  let variantIndex = 0;
  for (const [lineIndex, line] of LINES.entries()) {
    for (const [modelIndex, [name, price]] of line.models.entries()) {
      const slug = slugify(name);
      const id = stableId(`product:${slug}`);
      const createdAt = new Date(SEED_EPOCH + productIndex * 60_000);
      products.push({
        id,
        slug,
        name,
        description: `${name}: ${line.blurb}.`,
        status: 'PUBLISHED',
        categoryId: categoryIds.get(line.category) ?? null,
        createdAt,
        updatedAt: createdAt,
      });
      const count = 1 + ((lineIndex + modelIndex) % 3);
      for (const [position, value] of line.option.values.slice(0, count).entries()) {
        // Deterministic spread of stock levels; every seventh variant is sold out.
        const stock = variantIndex % 7 === 3 ? 0 : (variantIndex * 37 + 11) % 101;
        variants.push({
          id: stableId(`variant:${slug}:${value}`),
          productId: id,
          sku: `${slug}-${slugify(value)}`.toUpperCase(),
          name: value,
          priceAmount: price + position * line.option.step,
          currency: 'USD',
          stockOnHand: stock,
          attributes: [{ name: line.option.attribute, value }],
          position,
          createdAt,
          updatedAt: createdAt,
        });
        variantIndex += 1;
      }
      productIndex += 1;
    }
  }
  return { categories, products, variants };
}
