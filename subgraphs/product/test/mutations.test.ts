import { testDatabaseTargets } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startHarness, type Harness } from './harness';

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateProductInput!) {
    createProduct(input: $input) {
      product {
        id
        slug
        name
        status
        category {
          slug
        }
        priceRange {
          min {
            amount
          }
          max {
            amount
          }
        }
        variants {
          id
          sku
          price {
            amount
            currencyCode
          }
          stockOnHand
          inStock
          attributes {
            name
            value
          }
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

const PUBLISH = /* GraphQL */ `
  mutation Publish($id: ID!) {
    publishProduct(id: $id) {
      product {
        id
        status
      }
      userErrors {
        code
        field
      }
    }
  }
`;

const ADD_VARIANT = /* GraphQL */ `
  mutation Add($productId: ID!, $input: VariantInput!) {
    addVariant(productId: $productId, input: $input) {
      variant {
        id
        sku
        price {
          amount
          currencyCode
        }
        product {
          id
        }
      }
      userErrors {
        code
        field
      }
    }
  }
`;

const usd = (amount: number) => ({ amount, currencyCode: 'USD' });

let sequence = 0;
/** A unique, valid product input; `overrides` replace top-level fields. */
function productInput(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    name: `Test Gadget ${sequence}`,
    description: 'Made for tests.',
    variants: [
      {
        sku: `TEST-${sequence}-A`,
        name: 'Small',
        price: usd(1_999),
        stockOnHand: 5,
        attributes: [{ name: 'size', value: 'S' }],
      },
      { sku: `TEST-${sequence}-B`, name: 'Large', price: usd(2_499), stockOnHand: 0 },
    ],
    ...overrides,
  };
}

describe.each(testDatabaseTargets())('product catalog writes on $name', (target) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function create(input: Record<string, unknown>) {
    const { body } = await h.admin(CREATE, { input });
    expect(body.errors).toBeUndefined();
    return body.data!.createProduct;
  }

  it('should let an admin create a draft with variants and publish it', async () => {
    const { body: phones } = await h.admin(`{ category(slug: "phones") { id } }`);
    const before = await h.counts();
    const result = await create(
      productInput({ name: 'Nimbus Phone X', categoryId: phones.data!.category.id }),
    );
    expect(result.userErrors).toEqual([]);
    const product = result.product;
    expect(product).toMatchObject({
      slug: 'nimbus-phone-x',
      name: 'Nimbus Phone X',
      status: 'DRAFT',
      category: { slug: 'phones' },
      priceRange: { min: { amount: 1_999 }, max: { amount: 2_499 } },
    });
    expect(product.variants).toMatchObject([
      {
        price: { amount: 1_999, currencyCode: 'USD' },
        stockOnHand: 5,
        inStock: true,
        attributes: [{ name: 'size', value: 'S' }],
      },
      { price: { amount: 2_499, currencyCode: 'USD' }, stockOnHand: 0, inStock: false },
    ]);
    expect(await h.counts()).toMatchObject({
      products: before.products + 1,
      variants: before.variants + 2,
    });

    const { body: published } = await h.admin(PUBLISH, { id: product.id });
    expect(published.data!.publishProduct).toEqual({
      product: { id: product.id, status: 'PUBLISHED' },
      userErrors: [],
    });
    const { body: seen } = await h.customer(`query($id: ID!) { product(id: $id) { name } }`, {
      id: product.id,
    });
    expect(seen.data!.product).toEqual({ name: 'Nimbus Phone X' });
  });

  it('should hide drafts from customers and anonymous callers but not from admins', async () => {
    const { product } = await create(productInput({ name: 'Secret Prototype Zeta' }));
    const variantId = product.variants[0].id;
    const query = `query($id: ID!, $variantId: ID!, $slug: String!) {
      byId: product(id: $id) { id status }
      bySlug: product(slug: $slug) { id }
      variant(id: $variantId) { id }
      products(filter: { nameContains: "prototype zeta" }) { totalCount edges { node { id } } }
      drafts: products(filter: { status: DRAFT, nameContains: "prototype zeta" }) { totalCount }
    }`;
    const variables = { id: product.id, variantId, slug: product.slug };

    for (const call of [h.customer, h.anonymous]) {
      const { body } = await call(query, variables);
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({
        byId: null,
        bySlug: null,
        variant: null,
        products: { totalCount: 0, edges: [] },
        drafts: { totalCount: 0 },
      });
    }
    const { body } = await h.admin(query, variables);
    expect(body.data).toEqual({
      byId: { id: product.id, status: 'DRAFT' },
      bySlug: { id: product.id },
      variant: { id: variantId },
      products: { totalCount: 1, edges: [{ node: { id: product.id } }] },
      drafts: { totalCount: 1 },
    });

    const { body: published } = await h.admin(
      `{ products(first: 1, filter: { status: PUBLISHED, nameContains: "prototype zeta" }) { totalCount } }`,
    );
    expect(published.data!.products.totalCount).toBe(0);
  });

  it('should reject createProduct from customers (FORBIDDEN) and anonymous callers (UNAUTHENTICATED) and write nothing', async () => {
    const before = await h.counts();
    const input = productInput();
    const asCustomer = await h.customer(CREATE, { input });
    expect(errorCode(asCustomer.body)).toBe('FORBIDDEN');
    expect(asCustomer.body.data).toEqual({ createProduct: null });
    const asAnonymous = await h.anonymous(CREATE, { input });
    expect(errorCode(asAnonymous.body)).toBe('UNAUTHENTICATED');
    expect(asAnonymous.body.data).toEqual({ createProduct: null });

    const { body: publish } = await h.customer(PUBLISH, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(errorCode(publish)).toBe('FORBIDDEN');
    expect(await h.counts()).toEqual(before);
  });

  it('should answer SKU_TAKEN and leave no half-written product', async () => {
    const before = await h.counts();
    const input = productInput();
    (input.variants as Array<{ sku: string }>)[1]!.sku = 'IPHONE-15-PRO-256-GB';
    const result = await create(input);
    expect(result).toEqual({
      product: null,
      userErrors: [
        {
          code: 'SKU_TAKEN',
          message: expect.any(String),
          field: ['input', 'variants', '1', 'sku'],
        },
      ],
    });
    expect(await h.counts()).toEqual(before);

    const duplicateInInput = productInput();
    (duplicateInInput.variants as Array<{ sku: string }>)[1]!.sku = (
      duplicateInInput.variants as Array<{ sku: string }>
    )[0]!.sku;
    expect((await create(duplicateInInput)).userErrors[0].code).toBe('SKU_TAKEN');
    expect(await h.counts()).toEqual(before);
  });

  it('should answer SLUG_TAKEN for an existing slug', async () => {
    const before = await h.counts();
    const result = await create(productInput({ name: 'iPhone 15' }));
    expect(result.userErrors).toEqual([
      { code: 'SLUG_TAKEN', message: expect.any(String), field: ['input', 'slug'] },
    ]);
    expect(await h.counts()).toEqual(before);
  });

  it('should keep exactly one of two concurrent products with the same SKU', async () => {
    const before = await h.counts();
    const first = productInput();
    const second = productInput({ variants: first.variants });
    const results = await Promise.all([create(first), create(second)]);
    const codes = results.map((result) => result.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['OK', 'SKU_TAKEN']);
    expect(await h.counts()).toMatchObject({
      products: before.products + 1,
      variants: before.variants + 2,
    });
  });

  it.each([
    [
      'a negative price',
      { price: usd(-1) },
      'INVALID_PRICE',
      ['input', 'variants', '0', 'price', 'amount'],
    ],
    [
      'a lowercase currency',
      { price: { amount: 100, currencyCode: 'usd' } },
      'INVALID_CURRENCY',
      ['input', 'variants', '0', 'price', 'currencyCode'],
    ],
    [
      'a price of 2^53 − 1',
      { price: usd(Number.MAX_SAFE_INTEGER) },
      'INVALID_PRICE',
      ['input', 'variants', '0', 'price', 'amount'],
    ],
    [
      'a currency that is not ISO 4217',
      { price: { amount: 100, currencyCode: 'XYZ' } },
      'INVALID_CURRENCY',
      ['input', 'variants', '0', 'price', 'currencyCode'],
    ],
    [
      'negative stock',
      { stockOnHand: -3 },
      'INVALID_STOCK',
      ['input', 'variants', '0', 'stockOnHand'],
    ],
    ['an empty variant name', { name: '  ' }, 'INVALID_INPUT', ['input', 'variants', '0', 'name']],
  ])('should reject %s and write nothing', async (_label, override, code, field) => {
    const before = await h.counts();
    const input = productInput();
    const variants = input.variants as Array<Record<string, unknown>>;
    variants[0] = { ...variants[0], ...override };
    const result = await create(input);
    expect(result.product).toBeNull();
    expect(result.userErrors).toEqual([{ code, message: expect.any(String), field }]);
    expect(await h.counts()).toEqual(before);
  });

  it('should reject mixed currencies, bad names and unknown categories', async () => {
    const before = await h.counts();
    const mixed = productInput();
    (mixed.variants as Array<Record<string, unknown>>)[1]!.price = {
      amount: 100,
      currencyCode: 'EUR',
    };
    expect((await create(mixed)).userErrors[0].code).toBe('CURRENCY_MISMATCH');
    expect((await create(productInput({ name: '' }))).userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'name'],
    });
    expect((await create(productInput({ name: 'x'.repeat(201) }))).userErrors[0].code).toBe(
      'INVALID_INPUT',
    );
    expect(
      (await create(productInput({ categoryId: '00000000-0000-4000-8000-000000000000' })))
        .userErrors[0].code,
    ).toBe('CATEGORY_NOT_FOUND');
    expect(await h.counts()).toEqual(before);
  });

  it('should reject a fractional MinorUnits amount before anything runs', async () => {
    const before = await h.counts();
    const input = productInput();
    (input.variants as Array<Record<string, unknown>>)[0]!.price = usd(1.5);
    const { status, body } = await h.admin(CREATE, { input });
    expect(status).toBe(400);
    expect(errorCode(body)).toBe('BAD_USER_INPUT');

    const literal = await h.admin(`mutation {
      createProduct(input: { name: "Literal", variants: [
        { sku: "LIT-1", name: "One", stockOnHand: 1, price: { amount: 1.5, currencyCode: "USD" } }
      ] }) { product { id } }
    }`);
    expect(literal.status).toBe(400);
    expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(errorCode(literal.body));
    expect(await h.counts()).toEqual(before);
  });

  it('should manage variants: publish needs one, one currency, stock updates, last one kept', async () => {
    const { product } = await create(productInput({ variants: [] }));
    const { body: noVariants } = await h.admin(PUBLISH, { id: product.id });
    expect(noVariants.data!.publishProduct).toEqual({
      product: null,
      userErrors: [{ code: 'NO_VARIANTS', field: ['id'] }],
    });

    const { body: added } = await h.admin(ADD_VARIANT, {
      productId: product.id,
      input: {
        sku: `SOLO-${product.id.slice(0, 8)}`,
        name: 'Solo',
        price: usd(500),
        stockOnHand: 2,
      },
    });
    const variant = added.data!.addVariant.variant;
    expect(variant).toMatchObject({
      price: { amount: 500, currencyCode: 'USD' },
      product: { id: product.id },
    });

    const { body: euro } = await h.admin(ADD_VARIANT, {
      productId: product.id,
      input: {
        sku: `EURO-${product.id.slice(0, 8)}`,
        name: 'Euro',
        price: { amount: 1, currencyCode: 'EUR' },
        stockOnHand: 1,
      },
    });
    expect(euro.data!.addVariant.userErrors).toEqual([
      { code: 'CURRENCY_MISMATCH', field: ['input', 'price', 'currencyCode'] },
    ]);
    const { body: missing } = await h.admin(ADD_VARIANT, {
      productId: '00000000-0000-4000-8000-000000000000',
      input: { sku: 'NOPE-1', name: 'Nope', price: usd(1), stockOnHand: 1 },
    });
    expect(missing.data!.addVariant.userErrors[0].code).toBe('PRODUCT_NOT_FOUND');

    expect(
      (await h.admin(PUBLISH, { id: product.id })).body.data!.publishProduct.userErrors,
    ).toEqual([]);

    const UPDATE = `mutation($id: ID!, $input: UpdateVariantInput!) {
      updateVariant(id: $id, input: $input) {
        variant { name stockOnHand inStock price { amount } }
        userErrors { code field }
      }
    }`;
    const { body: updated } = await h.admin(UPDATE, {
      id: variant.id,
      input: { name: 'Solo Edition', stockOnHand: 0, price: usd(750) },
    });
    expect(updated.data!.updateVariant).toEqual({
      variant: { name: 'Solo Edition', stockOnHand: 0, inStock: false, price: { amount: 750 } },
      userErrors: [],
    });
    const { body: badStock } = await h.admin(UPDATE, {
      id: variant.id,
      input: { stockOnHand: -1 },
    });
    expect(badStock.data!.updateVariant.userErrors).toEqual([
      { code: 'INVALID_STOCK', field: ['input', 'stockOnHand'] },
    ]);
    // Unit prices are bounded and currencies are ISO 4217 codes on update too.
    for (const [price, code, field] of [
      [usd(Number.MAX_SAFE_INTEGER), 'INVALID_PRICE', 'amount'],
      [{ amount: 750, currencyCode: 'XYZ' }, 'INVALID_CURRENCY', 'currencyCode'],
      [{ amount: 750, currencyCode: '' }, 'INVALID_CURRENCY', 'currencyCode'],
    ] as const) {
      const { body: refused } = await h.admin(UPDATE, { id: variant.id, input: { price } });
      expect(refused.errors).toBeUndefined();
      expect(refused.data!.updateVariant).toEqual({
        variant: null,
        userErrors: [{ code, field: ['input', 'price', field] }],
      });
    }

    const DELETE_VARIANT = `mutation($id: ID!) {
      deleteVariant(id: $id) { deletedVariantId product { id variants { id } } userErrors { code } }
    }`;
    const { body: lastOne } = await h.admin(DELETE_VARIANT, { id: variant.id });
    expect(lastOne.data!.deleteVariant.userErrors).toEqual([{ code: 'NO_VARIANTS' }]);

    const { body: unpublished } = await h.admin(
      `mutation($id: ID!) { unpublishProduct(id: $id) { product { status } userErrors { code } } }`,
      { id: product.id },
    );
    expect(unpublished.data!.unpublishProduct).toEqual({
      product: { status: 'DRAFT' },
      userErrors: [],
    });
    const { body: deleted } = await h.admin(DELETE_VARIANT, { id: variant.id });
    expect(deleted.data!.deleteVariant).toEqual({
      deletedVariantId: variant.id,
      product: { id: product.id, variants: [] },
      userErrors: [],
    });
  });

  it('should update a product and refuse a taken slug', async () => {
    const { product } = await create(productInput());
    const UPDATE = `mutation($id: ID!, $input: UpdateProductInput!) {
      updateProduct(id: $id, input: $input) { product { name slug description } userErrors { code field } }
    }`;
    const { body } = await h.admin(UPDATE, {
      id: product.id,
      input: { name: 'Renamed Gadget', slug: `renamed-${product.slug}`, description: 'New text.' },
    });
    expect(body.data!.updateProduct).toEqual({
      product: {
        name: 'Renamed Gadget',
        slug: `renamed-${product.slug}`,
        description: 'New text.',
      },
      userErrors: [],
    });
    const { body: taken } = await h.admin(UPDATE, { id: product.id, input: { slug: 'pixel-8' } });
    expect(taken.data!.updateProduct.userErrors).toEqual([
      { code: 'SLUG_TAKEN', field: ['input', 'slug'] },
    ]);
  });

  it('should delete a product with its variants', async () => {
    const { product } = await create(productInput());
    const before = await h.counts();
    const DELETE = `mutation($id: ID!) { deleteProduct(id: $id) { deletedProductId userErrors { code } } }`;
    const { body } = await h.admin(DELETE, { id: product.id });
    expect(body.data!.deleteProduct).toEqual({ deletedProductId: product.id, userErrors: [] });
    expect(await h.counts()).toMatchObject({
      products: before.products - 1,
      variants: before.variants - 2,
    });
    const { body: gone } = await h.admin(`query($id: ID!) { product(id: $id) { id } }`, {
      id: product.id,
    });
    expect(gone.data!.product).toBeNull();
    const { body: again } = await h.admin(DELETE, { id: product.id });
    expect(again.data!.deleteProduct).toEqual({
      deletedProductId: null,
      userErrors: [{ code: 'PRODUCT_NOT_FOUND' }],
    });
  });

  it('should create a subcategory whose products count towards the root category', async () => {
    const { body: root } = await h.admin(`{ category(slug: "sports") { id } }`);
    const { body: created } = await h.admin(
      `mutation($input: CreateCategoryInput!) {
        createCategory(input: $input) { category { id slug path { slug } } userErrors { code } }
      }`,
      { input: { name: 'Climbing', parentId: root.data!.category.id } },
    );
    const category = created.data!.createCategory.category;
    expect(category).toMatchObject({
      slug: 'climbing',
      path: [{ slug: 'sports' }, { slug: 'climbing' }],
    });

    const { product } = await create(
      productInput({ name: '100% Chalk_Bag', categoryId: category.id }),
    );
    await h.admin(PUBLISH, { id: product.id });
    const { body } = await h.customer(
      `query($root: ID!) {
        inRoot: products(filter: { categoryId: $root, nameContains: "chalk" }) { edges { node { id } } }
        percent: products(filter: { nameContains: "0% c" }) { edges { node { name } } }
        underscore: products(filter: { nameContains: "k_b" }) { edges { node { name } } }
      }`,
      { root: root.data!.category.id },
    );
    expect(body.data).toEqual({
      inRoot: { edges: [{ node: { id: product.id } }] },
      percent: { edges: [{ node: { name: '100% Chalk_Bag' } }] },
      underscore: { edges: [{ node: { name: '100% Chalk_Bag' } }] },
    });

    const { body: dup } = await h.admin(
      `mutation { createCategory(input: { name: "Climbing" }) { category { id } userErrors { code } } }`,
    );
    expect(dup.data!.createCategory).toEqual({
      category: null,
      userErrors: [{ code: 'SLUG_TAKEN' }],
    });
  });
});
