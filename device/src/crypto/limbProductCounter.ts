/**
 * Running count of 24-bit limb products (one multiply-and-add into a column), the unit in which the signer's
 * cost is budgeted: Espruino 2v29 spends about 5 µs of interpreter time per limb product on a desktop-class
 * core (DESIGN §9), so products × 5 µs estimates interpreter time, and the signing job slices its work by it.
 *
 * Every field and scalar multiply, square and reduction fold adds its exact product count here (schoolbook
 * products plus the products of the modular folds), once per call rather than once per product, so counting
 * costs one addition per operation.
 */
export const limbProductCounter = { products: 0 };
