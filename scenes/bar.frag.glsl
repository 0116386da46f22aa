// VIZ-BAR: 10 rounded, bevelled bars with a palette, glow, reflection and peak markers.
uniform vec2 u_resolution;
uniform vec2 u_origin;      // the panel's lower-left corner in the frame (a viewport)
uniform float u_values[10];
uniform float u_peaks[10];
uniform float u_pulse;       // a hit: 0 between beats, about 1 in the frame of a strong onset
out vec4 fragColor;

const float N = 10.0;
const float BASE = 0.22;      // baseline height (fraction of screen height)
const float MAXLEN = 0.66;    // length of a bar at value 1
const float FILL = 0.64;      // bar width / slot width

vec3 palette(float t) {
    // A hue sweep across the 10 bars: magenta, violet, blue, cyan, green, yellow, orange, red.
    float hue = 0.86 - 0.86 * t;
    vec3 rgb = clamp(abs(mod(hue * 6.0 + vec3(0.0, 4.0, 2.0), 6.0) - 3.0) - 1.0, 0.0, 1.0);
    rgb = mix(vec3(1.0), rgb, 0.72);
    return mix(rgb, vec3(1.0), clamp(0.5 - dot(rgb, vec3(0.3, 0.59, 0.11)), 0.0, 1.0));  // no dim blue
}

float roundedBox(vec2 p, vec2 half_, float r) {
    vec2 q = abs(p) - half_ + r;
    return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - r;
}

// Signed distance to bar i at point p (units: screen heights) and its size.
float barDist(int i, vec2 p, float x0, float slot, out vec2 local, out float len) {
    // Rounded at the top; the box reaches below the baseline by r, where it is not drawn.
    len = u_values[i] * MAXLEN;
    float w = slot * FILL;
    float r = min(0.3 * w, len);
    vec2 c = vec2(x0 + (float(i) + 0.5) * slot, BASE + 0.5 * (len - r));
    local = p - c;
    return roundedBox(local, vec2(0.5 * w, 0.5 * (len + r)), r);
}

// Colour of the scene's bars (with glow) at p; alpha-like coverage returned in cov.
vec3 bars(vec2 p, float px, float x0, float slot, bool peaks, out float cov) {
    // This pixel's bar and the neighbour on its side (the only ones whose glow reaches it).
    float fx = (p.x - x0) / slot;
    int i = int(clamp(floor(fx), 0.0, N - 1.0));
    int j = clamp(fract(fx) < 0.5 ? i - 1 : i + 1, 0, 9);
    vec3 col = vec3(0.0);
    cov = 0.0;
    for (int n = 0; n < 2; n++) {
        if (n == 0 && j == i) continue;
        int k = n == 0 ? j : i;
        vec2 local; float len;
        float d = barDist(k, p, x0, slot, local, len);
        vec3 base = palette(float(k) / (N - 1.0));
        float h = clamp((p.y - BASE) / MAXLEN, 0.0, 1.0);
        if (k == i) {   // a faint full-length track behind the bar shows the scale
            float r = 0.3 * slot * FILL;
            vec2 t = p - vec2(x0 + (float(k) + 0.5) * slot, BASE + 0.5 * (MAXLEN - r));
            float dt = roundedBox(t, vec2(0.5 * slot * FILL, 0.5 * (MAXLEN + r)), r);
            col += base * 0.035 * clamp(0.5 - dt / px, 0.0, 1.0);
        }
        // Vertical gradient (deep at the foot, bright at the tip) and a cylindrical bevel.
        vec3 c = mix(base * 0.45, base * 1.15 + 0.08, h) * (1.0 + 0.3 * u_pulse);
        float u = local.x / (0.5 * slot * FILL);            // -1..1 across the bar
        c *= 0.62 + 0.45 * sqrt(max(1.0 - u * u, 0.0));
        c += vec3(0.9) * 0.28 * exp(-(u + 0.45) * (u + 0.45) * 25.0);   // specular stripe
        float a = clamp(0.5 - d / px, 0.0, 1.0) * step(0.0005, len);
        // Light rim just inside the edge.
        c += base * 0.35 * smoothstep(-3.0 * px, 0.0, d) * a;
        col = mix(col, c, a);
        cov = max(cov, a);
        // Soft glow outside the bar.
        float g = exp(-max(d, 0.0) / 0.022) * (1.0 - a) * smoothstep(0.0, 0.02, len);
        col += base * (0.22 + 0.45 * u_pulse) * g;
        // Peak marker: a thin pill that holds the recent maximum, then falls.
        float py = BASE + u_peaks[k] * MAXLEN + 0.012;
        vec2 q = p - vec2(x0 + (float(k) + 0.5) * slot, py);
        float dp = roundedBox(q, vec2(0.5 * slot * FILL, 0.0045), 0.0045);
        float ap = clamp(0.5 - dp / px, 0.0, 1.0) * step(0.005, u_peaks[k]) * float(peaks);
        col = mix(col, mix(base, vec3(1.0), 0.55), ap);
        cov = max(cov, ap);
    }
    return col;
}

float hash12(vec2 p) {
    vec3 p3 = fract(vec3(p.xyx) * 0.1031);
    p3 += dot(p3, p3.yzx + 33.33);
    return fract((p3.x + p3.y) * p3.z);
}

void main() {
    vec2 frag = gl_FragCoord.xy - u_origin;   // pixel position within the panel
    float px = 1.0 / u_resolution.y;
    vec2 p = frag * px;                       // y in [0, 1], x in [0, aspect]
    float aspect = u_resolution.x / u_resolution.y;
    float width = min(aspect * 0.86, 1.6);
    float slot = width / N;
    float x0 = 0.5 * (aspect - width);

    // Background: dark blue-violet vertical gradient, a soft light pool behind the bars, vignette.
    vec2 uv = frag / u_resolution;
    vec3 bg = mix(vec3(0.010, 0.012, 0.030), vec3(0.055, 0.050, 0.110), uv.y);
    bg += vec3(0.05, 0.045, 0.09) * exp(-pow(length((uv - vec2(0.5, 0.45)) * vec2(1.3, 2.0)), 2.0) * 2.5);
    bg *= 1.0 - 0.45 * pow(length(uv - 0.5) * 1.25, 2.5);
    // Faint horizontal guide lines every tenth of the full length.
    float gl = fract((p.y - BASE) / (MAXLEN * 0.1));
    float gridOn = step(BASE, p.y) * step(p.y, BASE + MAXLEN + px);
    bg += vec3(0.018, 0.020, 0.035) * gridOn * (1.0 - smoothstep(0.0, 1.6 * px / (MAXLEN * 0.1), min(gl, 1.0 - gl)));

    vec3 col = bg;
    float cov;
    if (p.y >= BASE) {
        if (p.y < BASE + MAXLEN + 0.12) {
            vec3 c = bars(p, px, x0, slot, true, cov);
            col = bg * (1.0 - cov) + c;
        }
    } else if (p.y > BASE - 0.3) {
        // Reflection on a glossy floor: mirrored bars, fading with depth.
        float depth = BASE - p.y;
        vec3 c = bars(vec2(p.x, BASE + depth), px, x0, slot, false, cov);
        col = bg + c * 0.32 * exp(-depth / 0.07);
    }
    // Thin baseline.
    float line = clamp(1.0 - abs(p.y - BASE) / (1.2 * px), 0.0, 1.0);
    float span = smoothstep(x0 - 0.02, x0 + 0.02, p.x) * smoothstep(x0 + width + 0.02, x0 + width - 0.02, p.x);
    col = mix(col, vec3(0.55, 0.58, 0.75), line * span * 0.8);

    col += (hash12(frag) - 0.5) / 255.0;     // dither against banding
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
