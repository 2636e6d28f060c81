/* Cubic sampling of cube faces from an equirectangular plane (geometry.py, README.md).
 *
 * Side faces (f, r, b, l), in two 1-D passes: on a side face the source column depends on the
 * face column only (yaw = atan(a)); the source row depends on both. Keys cubic convolution is
 * separable, so the 4x4 taps of each face pixel are the same as resampling the source rows at
 * each face column first (pass 1), then each of those columns at the face pixel's row (pass 2):
 * 8 taps instead of 16, and pass 1 is shared by every pixel of a column.
 *
 * Cap faces (u, d), directly: 16 taps per pixel, the 4 bytes of each tap row fetched by one
 * 32-bit gather from a copy of the cap rows padded by 3 wrapped columns on each side, and the
 * tables kept for one quadrant of the face only (the rest follows by symmetry).
 *
 * With AVX2 (chosen at run time) both are two to three times as fast as OpenCV's
 * cv2.remap(INTER_CUBIC), which the caller uses when this library is missing. Same kernel as
 * OpenCV's (a = -0.75), exact fractions instead of OpenCV's 1/32 steps: the two agree to one
 * grey level.
 *
 * Built by hatch_build.py with the system's C compiler and loaded with ctypes (native.py): plain
 * C, no Python headers. Side faces are done in strips of STRIP face columns so that pass 1's
 * output stays in the cache.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

#define STRIP 32
#define A (-0.75f)

/* The interface version: native.py refuses a library that does not say the number it expects. */
int tourbuilder_sample_abi(void) { return 4; }

/* Whether the AVX2 code may be used where the CPU has it (the tests turn it off to check the
 * portable code that other CPUs run). Returns the previous setting. */
static int simd_allowed = 1;
int tourbuilder_sample_allow_simd(int allowed) {
    int previous = simd_allowed;
    simd_allowed = allowed;
    return previous;
}

static int use_avx2(void) {
#ifdef HAVE_X86
    __builtin_cpu_init();
    return simd_allowed && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

/* Whether the samplers run their AVX2 code (without it they are slower than OpenCV, and
 * geometry.py uses OpenCV unless told otherwise). */
int tourbuilder_sample_simd(void) { return use_avx2(); }

static inline void keys_weights(float f, float w[4]) {
    float t1 = f + 1.0f, u = 1.0f - f;
    w[0] = ((A * t1 - 5.0f * A) * t1 + 8.0f * A) * t1 - 4.0f * A;
    w[1] = ((A + 2.0f) * f - (A + 3.0f)) * f * f + 1.0f;
    w[2] = ((A + 2.0f) * u - (A + 3.0f)) * u * u + 1.0f;
    w[3] = 1.0f - w[0] - w[1] - w[2];
}

static inline uint8_t to_u8(float v) {
    v = v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
    return (uint8_t)(int)(v + 0.5f);
}

#ifdef HAVE_X86
/* keys_weights for 8 fractions at once, with the same arithmetic (so the AVX2 loops and their
 * scalar tails agree). */
__attribute__((target("avx2,fma")))
static inline void keys_weights8(__m256 f, __m256 w[4]) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 a = _mm256_set1_ps(A), a5 = _mm256_set1_ps(5.0f * A), a8 = _mm256_set1_ps(8.0f * A);
    const __m256 a4 = _mm256_set1_ps(4.0f * A), a2 = _mm256_set1_ps(A + 2.0f), a3 = _mm256_set1_ps(A + 3.0f);
    __m256 t1 = _mm256_add_ps(f, one), u = _mm256_sub_ps(one, f);
    w[0] = _mm256_sub_ps(_mm256_mul_ps(_mm256_fmadd_ps(_mm256_fmsub_ps(a, t1, a5), t1, a8), t1), a4);
    w[1] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_fmsub_ps(a2, f, a3), f), f, one);
    w[2] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_fmsub_ps(a2, u, a3), u), u, one);
    w[3] = _mm256_sub_ps(_mm256_sub_ps(_mm256_sub_ps(one, w[0]), w[1]), w[2]);
}

/* sum_k w[k] * byte k of each lane's 32 bits: the 4 taps one gather brought. */
__attribute__((target("avx2,fma")))
static inline __m256 weigh_taps8(__m256i taps, const __m256 w[4]) {
    const __m256i low_byte = _mm256_set1_epi32(0xff);
    __m256 v = _mm256_mul_ps(w[0], _mm256_cvtepi32_ps(_mm256_and_si256(taps, low_byte)));
    v = _mm256_fmadd_ps(w[1], _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(taps, 8), low_byte)), v);
    v = _mm256_fmadd_ps(w[2], _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(taps, 16), low_byte)), v);
    return _mm256_fmadd_ps(w[3], _mm256_cvtepi32_ps(_mm256_srli_epi32(taps, 24)), v);
}

/* to_u8 for 8 values, in the low 8 bytes. */
__attribute__((target("avx2,fma")))
static inline __m128i to_u8x8(__m256 v) {
    v = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(255.0f));
    __m256i q = _mm256_cvttps_epi32(_mm256_add_ps(v, _mm256_set1_ps(0.5f)));
    __m128i q16 = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    return _mm_packus_epi16(q16, q16);
}
#endif

/* Pass 1, one source row: t[jj] = sum_k w_k[jj] * row[cidx[jj] + k]. */
static void rows_scalar(const uint8_t *row, const int32_t *cidx, const float *const w[4], float *t, int n) {
    for (int jj = 0; jj < n; jj++) {
        const uint8_t *s = row + cidx[jj];
        t[jj] = w[0][jj] * s[0] + w[1][jj] * s[1] + w[2][jj] * s[2] + w[3][jj] * s[3];
    }
}

/* Pass 2, one face row: out[jj] = sum_k wy_k * T[iy + k][jj], y = base + sign * yq[jj]. */
static void columns_scalar(const float *T, const float *yq, float base, float sign, int rmin, int rows,
                           uint8_t *out, int n) {
    for (int jj = 0; jj < n; jj++) {
        float y = base + sign * yq[jj], fl = floorf(y), w[4];
        int iy = (int)fl - 1 - rmin;
        iy = iy < 0 ? 0 : (iy > rows - 4 ? rows - 4 : iy);
        keys_weights(y - fl, w);
        const float *t = T + (size_t)iy * STRIP + jj;
        out[jj] = to_u8(w[0] * t[0] + w[1] * t[STRIP] + w[2] * t[2 * STRIP] + w[3] * t[3 * STRIP]);
    }
}

#ifdef HAVE_X86
__attribute__((target("avx2,fma")))
static void rows_avx2(const uint8_t *row, const int32_t *cidx, const float *const w[4], float *t, int n) {
    int jj = 0;
    for (; jj + 8 <= n; jj += 8) {
        /* one 32-bit gather brings the 4 taps of each of 8 columns */
        __m256i taps = _mm256_i32gather_epi32((const int *)row, _mm256_loadu_si256((const __m256i *)(cidx + jj)), 1);
        const __m256 weights[4] = {_mm256_loadu_ps(w[0] + jj), _mm256_loadu_ps(w[1] + jj), _mm256_loadu_ps(w[2] + jj),
                                   _mm256_loadu_ps(w[3] + jj)};
        _mm256_storeu_ps(t + jj, weigh_taps8(taps, weights));
    }
    const float *const rest[4] = {w[0] + jj, w[1] + jj, w[2] + jj, w[3] + jj};
    rows_scalar(row, cidx + jj, rest, t + jj, n - jj);
}

__attribute__((target("avx2,fma")))
static void columns_avx2(const float *T, const float *yq, float base, float sign, int rmin, int rows,
                         uint8_t *out, int n) {
    const __m256 vbase = _mm256_set1_ps(base), vsign = _mm256_set1_ps(sign);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), strip = _mm256_set1_epi32(STRIP);
    const __m256i first = _mm256_setzero_si256(), last = _mm256_set1_epi32(rows - 4);
    const __m256i offset = _mm256_set1_epi32(1 + rmin);
    int jj = 0;
    for (; jj + 8 <= n; jj += 8) {
        __m256 y = _mm256_fmadd_ps(vsign, _mm256_loadu_ps(yq + jj), vbase);
        __m256 fl = _mm256_floor_ps(y), f = _mm256_sub_ps(y, fl);
        __m256i iy = _mm256_sub_epi32(_mm256_cvttps_epi32(fl), offset);
        iy = _mm256_min_epi32(_mm256_max_epi32(iy, first), last);
        __m256i idx = _mm256_add_epi32(_mm256_mullo_epi32(iy, strip), _mm256_add_epi32(lanes, _mm256_set1_epi32(jj)));
        __m256 w[4];
        keys_weights8(f, w);
        __m256 v = _mm256_mul_ps(w[0], _mm256_i32gather_ps(T, idx, 4));
        v = _mm256_fmadd_ps(w[1], _mm256_i32gather_ps(T + STRIP, idx, 4), v);
        v = _mm256_fmadd_ps(w[2], _mm256_i32gather_ps(T + 2 * STRIP, idx, 4), v);
        v = _mm256_fmadd_ps(w[3], _mm256_i32gather_ps(T + 3 * STRIP, idx, 4), v);
        _mm_storel_epi64((__m128i *)(out + jj), to_u8x8(v));
    }
    columns_scalar(T + jj, yq + jj, base, sign, rmin, rows, out + jj, n - jj);
}
#endif

/* One side face of `size` x `size` from the plane `src` (src_rows rows, row stride src_stride).
 *
 * col0[j]: the first of face column j's 4 source columns (its 4 taps are col0[j] .. col0[j] + 3,
 *          all inside each row of src: the caller passes a window of the source);
 * wx[k * size + j]: the weight of tap k of face column j;
 * y_top[i * size + j], i < ceil(size / 2): the source row of face pixel (i, j) in the top half;
 *          the bottom half mirrors it: y(size - 1 - i, j) = bottom - y(i, j);
 * dst: size x size bytes, row stride dst_stride.
 * Returns 0, or -1 when memory ran out. */
int tourbuilder_sample_side_face(const uint8_t *src, ptrdiff_t src_stride, int src_rows,
                                 const int32_t *col0, const float *wx, const float *y_top, int size,
                                 float bottom, uint8_t *dst, ptrdiff_t dst_stride) {
    void (*rows_fn)(const uint8_t *, const int32_t *, const float *const[4], float *, int) = rows_scalar;
    void (*columns_fn)(const float *, const float *, float, float, int, int, uint8_t *, int) = columns_scalar;
#ifdef HAVE_X86
    if (use_avx2()) {
        rows_fn = rows_avx2;
        columns_fn = columns_avx2;
    }
#endif
    int top_rows = (size + 1) / 2;
    float *T = NULL;
    size_t capacity = 0;
    int32_t cidx[STRIP];
    for (int j0 = 0; j0 < size; j0 += STRIP) {
        int n = size - j0 < STRIP ? size - j0 : STRIP;
        int cmin = col0[j0];
        for (int jj = 1; jj < n; jj++) cmin = col0[j0 + jj] < cmin ? col0[j0 + jj] : cmin;
        for (int jj = 0; jj < n; jj++) cidx[jj] = col0[j0 + jj] - cmin;
        /* the source rows this strip reaches: from its top row's least y to its bottom row's most */
        float ymin = y_top[j0], ymax = bottom - y_top[j0];
        for (int jj = 1; jj < n; jj++) {
            float y = y_top[j0 + jj];
            ymin = y < ymin ? y : ymin;
            ymax = bottom - y > ymax ? bottom - y : ymax;
        }
        int rmin = (int)floorf(ymin) - 1, rmax = (int)floorf(ymax) + 2;
        rmin = rmin < 0 ? 0 : rmin;
        rmax = rmax > src_rows - 1 ? src_rows - 1 : rmax;
        int rows = rmax - rmin + 1;
        if ((size_t)rows > capacity) {
            free(T);
            T = malloc((size_t)rows * STRIP * sizeof(float));
            if (T == NULL) return -1;
            capacity = (size_t)rows;
        }
        const float *const w[4] = {wx + j0, wx + size + j0, wx + 2 * (size_t)size + j0, wx + 3 * (size_t)size + j0};
        for (int r = rmin; r <= rmax; r++)
            rows_fn(src + (ptrdiff_t)r * src_stride + cmin, cidx, w, T + (size_t)(r - rmin) * STRIP, n);
        for (int i = 0; i < size; i++) {
            int mirrored = i >= top_rows;
            const float *yq = y_top + (size_t)(mirrored ? size - 1 - i : i) * size + j0;
            columns_fn(T, yq, mirrored ? bottom : 0.0f, mirrored ? -1.0f : 1.0f, rmin, rows,
                       dst + (ptrdiff_t)i * dst_stride + j0, n);
        }
    }
    free(T);
    return 0;
}

/* --- cap faces -------------------------------------------------------------------------------- */

#define CAP_PAD 3 /* wrapped columns on each side of the cap copy */

static inline float cap_x(float x, float width) {
    /* into [0, width): the tables' x may be off by a turn either way */
    x -= width * floorf(x / width);
    return x >= width ? x - width : x;
}

/* One span of a cap face row: n pixels at x = x_offset + x_scale * xs[k], y = ys[k], written to
 * out[k] (or out[-k] when `reversed`: the right half of a row comes from the mirrored quadrant). */
static void cap_span_scalar(const uint8_t *cap, ptrdiff_t stride, const float *xs, const float *ys, float x_scale,
                            float x_offset, float width, uint8_t *out, int reversed, int n) {
    for (int k = 0; k < n; k++) {
        float x = cap_x(x_offset + x_scale * xs[k], width), y = ys[k];
        float fx = floorf(x), fy = floorf(y), wx[4], wy[4];
        keys_weights(x - fx, wx);
        keys_weights(y - fy, wy);
        const uint8_t *p = cap + ((ptrdiff_t)fy - 1) * stride + (ptrdiff_t)fx - 1 + CAP_PAD;
        float v = 0.0f;
        for (int r = 0; r < 4; r++, p += stride)
            v += wy[r] * (wx[0] * p[0] + wx[1] * p[1] + wx[2] * p[2] + wx[3] * p[3]);
        out[reversed ? -k : k] = to_u8(v);
    }
}

#ifdef HAVE_X86
__attribute__((target("avx2,fma")))
static void cap_span_avx2(const uint8_t *cap, ptrdiff_t stride, const float *xs, const float *ys, float x_scale,
                          float x_offset, float width, uint8_t *out, int reversed, int n) {
    const __m256 vscale = _mm256_set1_ps(x_scale), voffset = _mm256_set1_ps(x_offset);
    const __m256 vwidth = _mm256_set1_ps(width), inv = _mm256_set1_ps(1.0f / width);
    const __m256i vstride = _mm256_set1_epi32((int)stride);
    const __m128i reverse8 = _mm_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 8, 9, 10, 11, 12, 13, 14, 15);
    int k = 0;
    for (; k + 8 <= n; k += 8) {
        __m256 x = _mm256_fmadd_ps(vscale, _mm256_loadu_ps(xs + k), voffset), y = _mm256_loadu_ps(ys + k);
        x = _mm256_sub_ps(x, _mm256_mul_ps(vwidth, _mm256_floor_ps(_mm256_mul_ps(x, inv))));
        x = _mm256_min_ps(x, _mm256_set1_ps(width - 1e-3f));  /* rounding can leave x == width */
        __m256 fx = _mm256_floor_ps(x), fy = _mm256_floor_ps(y);
        __m256 tx = _mm256_sub_ps(x, fx), ty = _mm256_sub_ps(y, fy);
        __m256i base = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_sub_epi32(_mm256_cvttps_epi32(fy), _mm256_set1_epi32(1)), vstride),
                                        _mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(CAP_PAD - 1)));
        __m256 wx[4], wy[4];
        keys_weights8(tx, wx);
        keys_weights8(ty, wy);
        __m256 v = _mm256_setzero_ps();
        for (int r = 0; r < 4; r++) {
            __m256i taps = _mm256_i32gather_epi32((const int *)cap, base, 1);  /* 4 bytes: one tap row */
            v = _mm256_fmadd_ps(wy[r], weigh_taps8(taps, wx), v);
            base = _mm256_add_epi32(base, vstride);
        }
        __m128i q8 = to_u8x8(v);
        if (reversed)
            _mm_storel_epi64((__m128i *)(out - k - 7), _mm_shuffle_epi8(q8, reverse8));
        else
            _mm_storel_epi64((__m128i *)(out + k), q8);
    }
    cap_span_scalar(cap, stride, xs + k, ys + k, x_scale, x_offset, width, reversed ? out - k : out + k, reversed, n - k);
}
#endif

/* One cap face (u, or d from the bottom rows turned upside down) of `size` x `size`.
 *
 * cap: the first of the cap's rows, each `width` + 2 * CAP_PAD bytes (the source row, with its
 *      last 3 columns before it and its first 3 after it), row stride `stride` (negative for
 *      rows taken bottom up);
 * x_quad, y_quad: the source x and y (cap coordinates) of face pixel (i, j) in the top-left
 *      quadrant, i, j < h = ceil(size / 2), row stride h. The rest follows by symmetry: y is the
 *      same in all four, x mirrors to x_centre2 - x across the middle column and to
 *      x_mirror - x across the middle row, taken modulo width;
 * flip_rows: write face row i from table row size - 1 - i (the bottom face);
 * rows 1 before and 2 after every y must be in the cap (the caller keeps that margin).
 * Returns 0. */
int tourbuilder_sample_cap_face(const uint8_t *cap, ptrdiff_t stride, int width, const float *x_quad,
                                const float *y_quad, int size, float x_centre2, float x_mirror, int flip_rows,
                                uint8_t *dst, ptrdiff_t dst_stride) {
    void (*span_fn)(const uint8_t *, ptrdiff_t, const float *, const float *, float, float, float, uint8_t *, int, int) =
        cap_span_scalar;
#ifdef HAVE_X86
    if (use_avx2()) span_fn = cap_span_avx2;
#endif
    int h = (size + 1) / 2;
    float w = (float)width;
    for (int i = 0; i < size; i++) {
        int t = flip_rows ? size - 1 - i : i, lower = t >= h;
        size_t q = (size_t)(lower ? size - 1 - t : t) * h;
        uint8_t *row = dst + (ptrdiff_t)i * dst_stride;
        /* left half: the quadrant's row as it is; right half: mirrored, written right to left */
        span_fn(cap, stride, x_quad + q, y_quad + q, lower ? -1.0f : 1.0f, lower ? x_mirror : 0.0f, w, row, 0, h);
        span_fn(cap, stride, x_quad + q, y_quad + q, lower ? 1.0f : -1.0f, lower ? x_mirror - x_centre2 : x_centre2, w,
                row + size - 1, 1, size - h);
    }
    return 0;
}
