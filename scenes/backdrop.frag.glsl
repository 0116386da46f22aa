// Puts the quarter-resolution sky layer (vignette and glow already in it) behind the balls, with
// dithering against banding in its smooth gradients.
uniform sampler2D u_layer;
uniform vec2 u_resolution;
uniform vec2 u_origin;      // the panel's lower-left corner in the frame (a viewport)
out vec4 fragColor;

void main() {
    vec2 frag = gl_FragCoord.xy - u_origin;   // pixel position within the panel
    vec3 c = texture(u_layer, frag / u_resolution).rgb;
    vec3 p3 = fract(vec3(frag.xyx) * 0.1031);
    p3 += dot(p3, p3.yzx + 33.33);
    c += (fract((p3.x + p3.y) * p3.z) - 0.5) / 255.0;
    fragColor = vec4(c, 1.0);
}
