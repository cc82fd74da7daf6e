/**
 * The columns a bank statement mapping names (docs/contract.md §18), in the order the admin's form shows them.
 * Import-free, so the web app shares the list with the API's schema.
 */
export const STATEMENT_MAPPING_FIELDS = [
  "id",
  "paidAt",
  "dateFormat",
  "amount",
  "accountNumber",
  "fixedAccountNumber",
  "description",
] as const;
