/**
 * The benchmark's one operation: a nested read across all four subgraphs of the shape of The
 * Guild's federation benchmark (products → reviews → author → reviews → product, with the
 * inventory fields that `@requires` price and weight at two depths, and the accounts entry
 * point beside it). About 11 KB of JSON with the data of `data.ts`.
 */
export const QUERY = /* GraphQL */ `
  query FederationBench {
    users(first: 2) {
      ...UserFields
      reviews {
        ...ReviewFields
        product {
          ...ProductFields
        }
      }
    }
    topProducts(first: 4) {
      ...ProductFields
      reviews {
        ...ReviewFields
        author {
          ...UserFields
          reviews {
            ...ReviewFields
            product {
              ...ProductFields
            }
          }
        }
      }
    }
  }

  fragment UserFields on User {
    id
    name
    username
  }

  fragment ReviewFields on Review {
    id
    body
  }

  fragment ProductFields on Product {
    upc
    name
    price
    weight
    inStock
    shippingEstimate
  }
`;
