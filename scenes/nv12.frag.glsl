// The frame as NV12 for the encoder, rows top down: a full-size luma plane, then one plane of
// interleaved U, V at half size (each the mean of a 2x2 block). BT.601 limited range, as ffmpeg
// converts RGB when it is given RGB, so both readbacks encode to the same video.
uniform sampler2D u_frame;   // the finished frame (GL's rows: bottom up)
uniform ivec2 u_size;        // its width and height (even)
out vec4 fragColor;          // only red is stored (a one-channel target)

vec3 texel(int x, int row) {  // `row` counted from the top of the picture
    return texelFetch(u_frame, ivec2(x, u_size.y - 1 - row), 0).rgb;
}

void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    int row = p.y;  // GL reads row 0 first: output row p.y is the NV12 image's row p.y
    float value;
    if (row < u_size.y) {
        value = 16.0 + dot(texel(p.x, row), vec3(65.481, 128.553, 24.966));
    } else {
        int x = p.x / 2 * 2, y = (row - u_size.y) * 2;
        vec3 c = 0.25 * (texel(x, y) + texel(x + 1, y) + texel(x, y + 1) + texel(x + 1, y + 1));
        value = 128.0 + ((p.x & 1) == 0 ? dot(c, vec3(-37.797, -74.203, 112.0))
                                        : dot(c, vec3(112.0, -93.786, -18.214)));
    }
    fragColor = vec4(value / 255.0, 0.0, 0.0, 1.0);
}
