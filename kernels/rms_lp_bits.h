/* rms_lp_bits.h -- the scalar definition of low-precision state rounding
 * (rms_lp.h): the counter-based random bits, grid rounding, bf16 / f16 / q8
 * encodings.  Inline so the reference kernel, the SIMD kernels (for their
 * per-call keys) and the tests share one text; the SIMD kernels repeat
 * these operations lane-wise in the same order, so they give the same bits.
 *
 * Grid rounding of a >= 0 to P fraction bits with smallest exponent emin
 * (binary16: P = 10, emin = -14):
 *   e = max(exponent(a), emin); q = a * 2^(P-e)   (exact: a power of two)
 *   nearest:     y = rint(q)                    (ties to even)
 *   stochastic:  y = floor(q) + (u < q - floor(q)),  u = (r >> 8) * 2^-24
 *   result = y * 2^(e-P)                         (exact)
 * Every operation is exact except none: so this is round-to-nearest-even,
 * or stochastic rounding with P(up) = ceil(frac * 2^24) / 2^24, which is
 * frac exactly when frac is a multiple of 2^-24 (always for binary16
 * normals; in its subnormal range the bias is < 2^-24 of a step).  bf16 and
 * q8's normal range round on the fp32 bits instead (exactly unbiased). */
#ifndef RMS_LP_BITS_H
#define RMS_LP_BITS_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "rms_lp.h"

static inline uint32_t lp_f2u(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline float lp_u2f(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* 2^e for e in [-126, 127], built from its bits (exact, no libm). */
static inline float lp_pow2(int e) { return lp_u2f((uint32_t)(e + 127) << 23); }

static inline uint64_t lp_splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Chris Wellons' lowbias32: a 32-bit bijection with good avalanche, in
 * shifts, xors and two 32-bit multiplies (vpmulld on AVX2 and AVX-512). */
static inline uint32_t lp_mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

/* Per (seed, step, stream) key, computed once per call; per element two
 * rounds of lp_mix32 keyed by its two halves. */
typedef struct lp_key { uint32_t k1, k2; } lp_key;

static inline lp_key lp_key_of(uint64_t seed, long t, unsigned stream)
{
    uint64_t h = lp_splitmix64(lp_splitmix64(seed) ^ ((uint64_t)t << 2 | stream));
    lp_key k = { (uint32_t)h, (uint32_t)(h >> 32) };
    return k;
}

static inline uint32_t lp_hash(lp_key k, uint32_t i)
{
    return lp_mix32(lp_mix32(i ^ k.k1) + k.k2);
}

/* q >= 0 rounded to an integer: rint (ties to even), or floor(q) + 1 with
 * probability q - floor(q), u = (r >> 8) * 2^-24. */
static inline float lp_rint(float q, rms_rounding mode, uint32_t r)
{
    if (mode != RMS_ROUND_STOCHASTIC)
        return rintf(q);
    float fl = floorf(q);
    return (float)(r >> 8) * 0x1p-24f < q - fl ? fl + 1.0f : fl;
}

/* a >= 0 (or +inf / NaN, which pass through) onto the (P, emin) grid. */
static inline float lp_grid(float a, int p, int emin, rms_rounding mode, uint32_t r)
{
    int e = (int)(lp_f2u(a) >> 23) - 127;
    if (e < emin)
        e = emin;
    float q = a * lp_pow2(p - e);
    return lp_rint(q, mode, r) * lp_pow2(e - p);
}

/* ---- bf16: the top 16 bits of the fp32 pattern, rounded on the bits. */
static inline uint16_t lp_bf16_round(float x, rms_rounding mode, uint32_t r)
{
    uint32_t b = lp_f2u(x);
    if ((b & 0x7fffffffu) > 0x7f800000u)          /* NaN: keep it a (quiet) NaN */
        return (uint16_t)((b >> 16) | 0x40u);
    /* magnitude + bias never carries into the sign: |b| <= 0x7f800000 */
    b += mode == RMS_ROUND_STOCHASTIC ? r >> 16 : 0x7fffu + ((b >> 16) & 1u);
    return (uint16_t)(b >> 16);
}

static inline float lp_bf16_value(uint16_t h) { return lp_u2f((uint32_t)h << 16); }

/* ---- f16: grid-round the magnitude, then encode the exact value. */
static inline uint16_t lp_f16_bits_exact(float y)
{
    uint32_t b = lp_f2u(y), s = (b >> 16) & 0x8000u;
    float a = lp_u2f(b & 0x7fffffffu);
    if (a != a)
        return (uint16_t)(s | 0x7e00u);
    if (a >= 65536.0f)                            /* rounded past 65504: inf */
        return (uint16_t)(s | 0x7c00u);
    if (a < 0x1p-14f)                             /* subnormal: k * 2^-24 */
        return (uint16_t)(s | (uint32_t)(a * 0x1p24f));
    uint32_t ab = lp_f2u(a);
    return (uint16_t)(s | ((((ab >> 23) - 112u) << 10) | ((ab >> 13) & 0x3ffu)));
}

static inline uint16_t lp_f16_round(float x, rms_rounding mode, uint32_t r)
{
    uint32_t b = lp_f2u(x);
    float y = lp_grid(lp_u2f(b & 0x7fffffffu), 10, -14, mode, r);
    return lp_f16_bits_exact(lp_u2f(lp_f2u(y) | (b & 0x80000000u)));
}

static inline float lp_f16_value(uint16_t h)
{
    uint32_t s = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 31u, m = h & 0x3ffu;
    if (e == 0)
        return lp_u2f(lp_f2u((float)m * 0x1p-24f) | s);
    if (e == 31)
        return lp_u2f(s | 0x7f800000u | (m << 13));
    return lp_u2f(s | ((e + 112u) << 23) | (m << 13));
}

/* ---- q8: E5M3 codes of v / 2^ks. */
#define LP_Q8_KS_MIN (-126)
#define LP_Q8_KS_MAX 126

/* v as stored before quantizing: NaN and anything above FLT_MAX become
 * FLT_MAX (written so that a NaN compares false, as vminps does). */
static inline float lp_q8_clamp(float v) { return v < FLT_MAX ? v : FLT_MAX; }

static inline int lp_q8_exponent(float vmax)
{
    uint32_t b = lp_f2u(vmax);
    int ks = (int)(b >> 23) - 127 + ((b & 0x7fffffu) != 0);
    return ks < LP_Q8_KS_MIN ? LP_Q8_KS_MIN : ks > LP_Q8_KS_MAX ? LP_Q8_KS_MAX : ks;
}

/* The code of v under scale 2^ks.  x = v / 2^ks (exact).  In E5M3's normal
 * range (x >= 2^-30) the fp32 pattern of x is rounded at its 20th bit, as
 * bf16 rounds at the 16th: nearest adds 0x7ffff + the kept lsb, stochastic
 * adds 20 random bits (r >> 12) -- P(up) = the dropped fraction exactly; the
 * code is then the pattern's top bits minus 768.  Below 2^-30 the code is
 * x / 2^-33 rounded as lp_grid rounds (rint, or floor + (u < frac)). */
static inline uint8_t lp_q8_code(float v, int ks, rms_rounding mode, uint32_t r)
{
    float x = v * lp_pow2(-ks);
    uint32_t c;
    if (x >= 0x1p-30f) {
        uint32_t b = lp_f2u(x);
        b += mode == RMS_ROUND_STOCHASTIC ? r >> 12 : 0x7ffffu + ((b >> 20) & 1u);
        c = (b >> 20) - 768u;
    } else {
        c = (uint32_t)lp_rint(x * 0x1p33f, mode, r);
    }
    return (uint8_t)(c < 255u ? c : 255u);
}

static inline float lp_q8_value(uint8_t c, int ks)
{
    float x = c >= 8 ? lp_u2f(((uint32_t)c + 768u) << 20) : (float)c * 0x1p-33f;
    return x * lp_pow2(ks);
}

#endif
