// Shared by sky.frag.glsl and disco.frag.glsl: hash, 3D value noise, fbm and the smoky sky.
uniform vec3 u_sky;          // sky colour
uniform float u_time;        // seconds, integrated from dt
uniform vec3 u_seed;         // offset into the noise field, from the scene's seed
uniform sampler3D u_noise;   // NOISE_SIZE³ random lattice, tiling
// NOISE_SIZE (the lattice size) is #defined by the loader, from scenes/real.py.

float hash13(vec3 p) {
    p = fract(p * 0.1031);
    p += dot(p, p.zyx + 31.32);
    return fract((p.x + p.y) * p.z);
}

float vnoise(vec3 x) {
    // Value noise from a tiling random lattice in a 3D texture; the hermite-warped coordinate makes
    // the hardware's trilinear filter smooth (one fetch instead of eight hashes).
    vec3 i = floor(x);
    vec3 f = fract(x);
    return texture(u_noise, (i + f * f * (3.0 - 2.0 * f) + 0.5) * (1.0 / NOISE_SIZE)).r;
}

float fbm(vec3 p, int octaves) {
    float a = 0.5, s = 0.0, n = 0.0;
    for (int k = 0; k < octaves; k++) {
        s += a * vnoise(p);
        n += a;
        p = p * 2.07 + vec3(1.7, 9.2, 3.1);
        a *= 0.5;
    }
    return s / n;
}

// Smoky sky seen in direction d (unit): domain-warped fbm tinted by the sky colour, drifting.
vec3 sky(vec3 d, int octaves) {
    vec3 tint = 0.05 + 0.95 * u_sky;                             // never quite black
    vec3 p = d * 2.2 + u_seed + vec3(0.035, 0.010, -0.022) * u_time;
    float w = fbm(p * 0.6 - vec3(0.0, 0.0, 0.02 * u_time), 2);
    float f = fbm(p + 2.4 * vec3(w, 0.6 * w, -w), octaves);
    float smoke = smoothstep(0.30, 0.80, f);
    vec3 c = mix(tint * 0.10, tint * 0.95 + 0.03, smoke);
    c += tint * 0.30 * pow(1.0 - abs(d.y), 4.0);                 // haze at the horizon
    return c;
}
