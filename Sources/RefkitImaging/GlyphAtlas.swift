import CVips
import Foundation

/// The font refkit draws labels with: DejaVu Sans Mono Bold, pre-rendered into a 16 x 6 grid of
/// 24 x 44 cells (ASCII 32-126 and "·"). Text is composed from these cells in Swift and scaled
/// by libvips, with no Pango at run time: libvips 8.14's vips_text clears Pango's font cache on
/// every call while Pango's own fontconfig thread may still use it, which crashed the daemon
/// with SIGFPE in glib about once in ten runs (libvips issue 3660), whatever thread called it.
enum GlyphAtlas {
    static let cellWidth = 24
    static let cellHeight = 44
    static let columns = 16
    static let characters: [Character] = (32...126).map { Character(Unicode.Scalar(UInt8($0))) } + ["·"]

    /// Grey coverage of the whole atlas (0 = empty, 255 = ink), decoded once.
    static let coverage: (pixels: [UInt8], width: Int) = {
        guard let data = Data(base64Encoded: atlasPNG),
            let handle = try? VipsImageHandle.load([UInt8](data), strictness: .failOnWarning, sequential: false)
        else {
            return ([], 0)
        }
        var size = 0
        guard let memory = vips_image_write_to_memory(handle.pointer, &size) else { return ([], 0) }
        defer { g_free(memory) }
        let bands = handle.bands
        let raw = UnsafeRawBufferPointer(start: memory, count: size)
        var pixels = [UInt8](repeating: 0, count: handle.width * handle.height)
        for i in 0..<pixels.count { pixels[i] = raw[i * bands] }
        return (pixels, handle.width)
    }()

    /// The cell index of a character; unknown characters show as "?".
    static func index(of character: Character) -> Int {
        if let ascii = character.asciiValue, (32...126).contains(ascii) { return Int(ascii) - 32 }
        if character == "·" { return 95 }
        return Int(Character("?").asciiValue!) - 32
    }

    /// Lays the lines out at native size into a coverage buffer (width x height).
    static func render(_ lines: [String], centred: Bool) -> (pixels: [UInt8], width: Int, height: Int) {
        let (atlas, atlasWidth) = coverage
        let longest = lines.map(\.count).max() ?? 0
        let width = max(1, longest * cellWidth)
        let height = max(1, lines.count * cellHeight)
        var pixels = [UInt8](repeating: 0, count: width * height)
        guard atlasWidth > 0 else { return (pixels, width, height) }
        for (row, line) in lines.enumerated() {
            let offset = centred ? (longest - line.count) * cellWidth / 2 : 0
            for (column, character) in line.enumerated() {
                let cell = index(of: character)
                let sx = (cell % columns) * cellWidth
                let sy = (cell / columns) * cellHeight
                let dx = offset + column * cellWidth
                let dy = row * cellHeight
                for y in 0..<cellHeight {
                    let source = (sy + y) * atlasWidth + sx
                    let target = (dy + y) * width + dx
                    for x in 0..<cellWidth { pixels[target + x] = atlas[source + x] }
                }
            }
        }
        return (pixels, width, height)
    }

    static let atlasPNG =
        """
        iVBORw0KGgoAAAANSUhEUgAAAYAAAAEICAAAAABzT3zWAAA6w0lEQVR42u2dd2AUxdvHP+mEGjrSVRAEKUovSlGKiAqiYkFExd4QEUXEXhCxF1BEbFgQBGyA\
        gtJRpAooCEiHBBJID6nf94/dvdu92ySXhCDvz3v+SO5m92Zm57vzzPM88zzPQJCCFKQgBSlIQQpSkIL0v0x9pTal28IZaVJCJXvJZZKWhPz/HrdnJam1syxR\
        0muOD156X1JfaCpplS8AbQNutdKd3+5OzTy48dO7KvtcGSFJMW6/CflZ0kPOslWS7nJvYr404N8b1hGSHiwVAPZIx6PhPkmP+wLQznnrgJ+OZWx+vIJLoxfH\
        yaLuAQMwRFJ8Wb9pp6Tqpx4AEXulYxWA0BNd89n1YWkG9AHm+b2jji/vz74opkzzp9Y09Kuk49waRW85+gXgrXSfUd4EFZ/2vdPxLTTyXwDg+nrwdkppANAH\
        +BEiu0H8Wm9xi3EzX4A3p79yg2e4H73F+H/WtxG+lYw3SrJVlJbvrAvZ7/iWvgEMP91RFPXHlNq2Dq977OSPf8hoyHi9VNaAHyS1gJ6SPvUUVpguL71glFVM\
        lf6+ptd0ScN9miyXK0kTahHefMT6QFlQ1AFJM/2Ky6dImuQoelBKe7aCwYLOWyilnub4QevWrc8pbQAGSHqrVBbhqDTpIPCipCFWYfgvtvG37r9UymwA/CjN\
        9mnydEk6ZH6JDBCA6yXpMv/yTySlOUSje45KOnzPImnE9DxJqx3j3V1SfGkDsErKbnjCAUiUH71vMAdJUp4TgNukzQCjpN98moyRpJSo/MUHNwB+lpRSxv1l\
        051OEeuZFG8XNw903n8yAOju5Q+hJ4PjDQdybxsEXWr3fyfRLDwG9SsA58Axn/sT/wDK31CkNmp0BxYd97/wYzYw2FGUNO6MV8w7d97QcvbJXwIeBl7kpM2A\
        yDxJMy09IKarcfdpudK8RjH350kP+wpJd0rSwQpFmQE3S9IItx+skJTtq02UmShJSurt+naW8gxoJel7iz0Xq4bvy8EmxweA5eWJ6gjJ66FpTdiYCNsAYkKA\
        Qx6Ylhv/D30wnL7bAQ6/C0Cj4de1izOuTb2/CZw24U63tnfOBbL9xw3gV1d+2xnCu37rkMJvHlfHkAQWLBy7+qRPgEeA8SXShAtkbp8AyyU18IjdkrQ1wlcT\
        LrvCmCWJnYHIaxblKf1y89JpyyUp76IiPNRWSXnl3K4MlaRnbAVhQ3dKSoqVtknSnBYneQackSOtCPz2JySpeYA3PyTpXghLkw57S7dJ0uInfE0RUU8cko7P\
        bARNXz4irb/LklXaxRrQ7K0UuGaZI+mA66XOkjTLVvCppKw3q82XBnRbLSm358kFYJKkS4ug30hSoIrpDEkdoaWNyQGPWkvC/FGNnfpI3UbRlBmyREp61wtO\
        qyTr/g8Df6skf2nKoPqSZNMJuUCa1dg0RYRc+4/+DPPMIR8qVEUrF+OhgPXpmhnS5iIYCC+XlBOosLRLyoqCWyQ9aWM2G7zP9KOPktP89aPSqpttzCN6m6Sc\
        59IsuX6RpMGFNdxekua7XqogSbvtJc91sdmCIkf2odgAfOe9d3igA/qCpKJIeO1kqFaBUDVJa4DJki6xy4g2TSytvw2ZYSulhNeaQ/SZHuvAaEm61ZB2YqvC\
        V4HM2G6Sv0JnyhmSdKRwY9xJAqBCorSnKLJPXUnrA7z3YknvAGv9uNZVSyw9TCkWG2r1dqLyfrkuChrPOi7tH2106x8DxdDlkjQD5kk6v7CWL5Ckua6XIiUp\
        9pQBYLSk+4qyZITnSvMCuO+4f/8d1o5qj0npkikmGSpq7PhGAJ1Npr8gEmgk05B9VrokXctGSacX1nobSfrJ9VIlSdrpX37v5MmtHAaQpk2bNm3adKikY8bH\
        plVPPABRB6UjZYu0aE/54ou7TwAA9JU63pUnKclY9MrPucJ45SvF2c1E/WTtoYySpIR2uVJcQPNUG1wvNZaklUUyEwQsBRUdgNv89klOFAUCQFtmSZKPGWqU\
        lHtPpWZLpOzqcIUkPQ8QukqSkhx21fwoNDPfceshSZ+VDgBFptC/pZQqdgZzwqpeGknNprB3F3SMgqWC7VYjOZ67tlwBVPRTYj98i6SBe8uFn/81CQCXjxXk\
        3bw+yrj57UJbz/uzNVSt7rLWcjbAHyV+viHlgb+WBHp7uRsADn7jU3xlY5hytLTgNQWsijnSNnv5n0PCrRkwV5LqOH+2UrofYIt0K1TLlaHNAQ8bM2luAG1P\
        lqQL873So8QzYL/Xuhuo7CIt9i1eK2XVdUyJQmsam5iYmNgioEYvAhZC9zBY6NCSPtn7wgVlgbIPXQbs89FYDxmWnAaN4CDErwR4dXQ4sDQLIPPWANr+GaCL\
        25UuQPoqTgnqfR58ur9ovwncFlQ5V9oCvC5poP/ykCHlugp3wyW93eXKbVJyeeAi47U/NHP6JnMtuTmAxitmSfrF5UL1PElzODVmwCIprymlBcAgSa8Dm6Wc\
        mPzX53W+QljkFuuS4afxmu9inlgngNa/drM6W3bqq04NANrmqy2eEABMI1MtP6vMm/adgqU1/Q05O4xLb5hs8RXv3XlH5bQrFagEapi7pHik5I4PoUkBaWYF\
        AzBLUofSA+BvKbsCXCfpOeeVMv3f+jU+R8o6MOcqt1Wn0lN/Hj+2wGu86GmaLjJntmmfI0k3Ft56yGa3RY/TsiU9UXLu3VaSjsaUCIAmue5c8iRR/6KgX/OK\
        +8be27dSUeq/XpKa+JaOkY/gXUx6WJIeLVkdUyX1+fcAuERqX5r1h673c0CBiP2Sxp6A2n+UdLh8iaqokymt+xdFsH5+roknmLpLyvDZubhR0p7oktcdmS5p\
        ZMnqeDkQu/r/ZwD4UNKrTkviDh/DeEnAPVCmZHU8+OSTY8P8bJ0nDwCBSreFBxqXo1OlJFtJr9SNLPn+BFR9IfDc8RLOAFfZ4eQBULcvc+IJUpCCFKQgBSlI\
        QQpSkIIUpCAFKUhBClKQ/usUfvXsnelHN73hk06j0bD3t0mSHFv5Ie0fmrnpWHbKnnmPNbCXl7/kmW+3HMvKiFv5xvluVr43JUle//T3HVvvXzhv7vT8qj3p\
        GXu+u8fjF/qhz1693ThZ5/FfYjNTd8+51SdI5uIPtiUe37fisUanyDg3eGjurtTMuCVPNXSWN15tbYK/YYsO7XTI87B2APoe8A5C7mSvm1tYlm10Vvm7EnXO\
        DRyAc37yXqhTKAAhj2RahbF2T/bay6zizOfCT4Hh7zzf4yOeOc5+oY5tSD/3FveXKwD3OL1MPC7E4Y7ypI4+rUf+qYAB6JFqu1C3UABsbhTKudJTXHOvrXza\
        KZC1JtbefXuc6jL7hbuLBoA3PYATAO3y8f95WgED0DJdAQDg2Xnp7ihO8LwR84xJmmyU33qKAZDbAswdsUu6Aqz4rMo9NYFx0+wZRzJ+7eDizf7nzKU70hsO\
        ur8MMKil1/M1cdWWvalVW14dBTS8wuHU3OIR1z5t9DgxeqNAQt+NBnI/m7uL+l2v9Cwz87zbOdfUAeZY30YA7Hl+ffmLHoiGKoPNjB0d+gJ5j76dWvf1K4An\
        Pjl+CnChX7/ZGF/90ttCIHSwJ8D3R0n6JRwapUjSLVb5hT+O7RppuITZZ8BdX1veDT3y7M4aoRM7mk4/9XdL0nv2hsN+k5TpPwMmu3RykCQd7Wzy9wH+zinV\
        MiWpq/U1SVJ8bYCrJGm6WfyWJE0ACN8kSVecoDEM6VWgu8y5jfOfAd+1tfHMGR7hJVOSOoGxce/rSOkHgG05W+430Abd6efUPFLSN2sCA2CuJA0q4BlHSYYb\
        KgDlJOljY2ySJP1olm/wxiLcL0kfnJDhrztul2+Ag2/nFg/JZ/v+Iscr9qU1mN0jgbhfAWaPBC4KzSuwC15vf/7pgquHdSyAfXf89Gcg+a45AT1ihYuBzbMK\
        uGM4wBTrmwCyjI/ZtnbPBBJ3G4wOzGB6i8peDRDrF1iZX7n57vUf3jes0Afo1u3N6VM2ulzwsNu2Hp4bDjQHWCfjbwiUa7Ar0NehDsAeFyYCsNxW8F5ZeDhA\
        v+xWEcBsoHL5hHS3G7o3AY5/bH1N31sfepVPBbpXBcxwpPDyQKrxOQWgQVSmt44q0wCW+A10fuUAjW+5sZZN64nxu+FQrvkh5u6717z/eXJ+T9h2BJD2kfV1\
        qs0xdr/83Of8WJCXamTJ3900pEaP2ZK0z6YT3SxpaQguLGjzioSsw6tfsLsU3i1JAxp+EC/p7/EuboWfyRm2NF6SlnUtX+vGOEnxVWxCmTkGF0qSmtk5iXsA\
        Rb7llBmy2JJfsut4+KCTGnq6L0lp07q4j3/reKe/6wKb3+86/3izAgCYKt/ciA09nYk7z1ta66iU0QQ3ACzpfVKUU6ofa0mi8b76BFWPS9IF3oJKm+xSqMf/\
        MUWSzgKMFApSz+ID0OrNYx4V857qFAQArSbsswr+fNAlYWC7o3L6S66QpPsYd/TvC/hFMgOGAgDgaknK6eQGQNwr9pZnShpDQQBIq8o5ivO84r7vkjdSkrY6\
        IPnRujnrXa9xZLXMsGWi/pYk9S8mABVv/92qf+u4MxySgBsAENJ9ioVX5ozePmtk60TJm6LHIy3cca6k3cZsGBsYAB3S5ExJ4AUg7aO+NsVzoKQN4YUA4JXK\
        Zvg81re+Soj8cm5GvW3dvLizp/AlSdKEehGtTHwGFwuAJtPSzLoPvtLGVxRzBwCIGjjTikvZ/bhdKKoZ59R2gc2SdGsfSWkhP/iPaX4AtEyQpC9CcGdBSz2x\
        aDEHpZw2uAHw5xu3Dhg4cokcHGKuYZV6pk5Uh1WSlOcM075AkjKr2YvO32VjZh6Nt0mez/hcXywAzIFO+vCiIqYXq3Tzolw/YAx9frTjxtWSdHeZ9dJTLJRf\
        9tl8AGgSJ0m+KScrjx//4qRfJUk7K9te9Am4AHCZlQVn0HFJskI6P5ckvQJQYb+/EeFTH4sVXJApacuQ5u3GpUjKOd9pffXSZcUS/EdJ0vKri+WZW3tUrA8A\
        0emS1jjf2l+MKR3Vp425HtwVAABnHpCk79xjf9rultdX/yxJO6LdAPARfFIjbEu72eknPXzcA3GGb9hpmd2S1pYDaHfcHh9VZo419IfnuiXhLQIA2T9cX67o\
        P204ZpPvDGhly9xp0de2sm1GfoZCAWiwR5Lm5hd71SpXUrrx0rT155V+EnSZNHkzQrwqSQnG536O1QHMnHF/21+h62z86x1JOtNjVBq+VZKOf1l/alHSTjnp\
        Xkuq/Ky/Y7rHNPIjh8m72p3LTR6Ya4sM7uG/gDHBq8qTLPkmtnIDoN4/kjQrIt9e/+axbgQEAH9JnvCBeyXJjLLv6LcKb/FjklMk5ZjPfpWvFaN+t37tyxtJ\
        vDMjimd86DLNMo7HT+oaEtgiXO6677Itq/Dj9ezWCEm6x9nALTLT/EADSVLFwgCovV2SPi9gj2OGZGWDCQiAfTZFqY8k7bNZmj+x3dhVkrIc0vX3ktKwzZhb\
        /NfD40VIuuNiHLnN2rDS7hdaFApAeL/pFmSZX/Z28ntfAMKB3wBaxSQCPQC2JhfSn5qLGgGf3JRbgMkKIHDzb+O64MmsuFEhULt8KkATAHuylNsA5jhyQmQB\
        ZWsbSaXO8jVCGXRTFODIZpNPLgf38pT33msxfEgVgAaPPLLps9cKerKzRlxliWhbpn6c4HN1cWXA18CyW5Ie8OhkEwqxhlbbJEnv+wll/bwxbBfmycghDVS/\
        x0N7JOm5e+4xlg7vRAufJ0ke89VaSRrqFRCutjHedElyplN8W5KeMnbdtthYGR7BpXGitzvFNUUQde2iPPubnt8MsMpT3u8Y6Ps3XpJS+xBpqC4ebeOG8ePH\
        jx+fLEnvjR8/fvxTtvE5+uJ4i6wEaGuSv7zl3LIQUt9I+BbntwnolIIeW/dg8zAgss8qydSVARgrSbHnQMgYSTpuk/nvk6QdIf4KefZNQMUZkpRo2Svvn3dJ\
        OBAy8KAkLaFkAACnP7tfLvl2XKQmrbrFPaSyW2JiYqLv5lx1g2PFpfoonnN8ADZNizk+xXPsw6vUWEsDfIZCAJB0fNemHeaG+gHPzlvMUUnKXvq1EUE/1VbD\
        Jkny2VsrZyR82v7V90bmrZdsAlPqslkLjMtZzUsOAIRdMju7cACOvNIsv6tui7DNgCfp2FklA8CbFbtcAADYKrcFEQ+3XzhkW3E7S1KWb7KDG5x70VUcEqvl\
        7nErJwIAoObobQUC8MCCqwvIjOAOgGk2kaQUW86dEgGwyj8nREEA7HIwzMe8VoSD5/nq8f6HBDxo69KOprgAkHJDgAPdNJCEpaHFvpgfAFxu+IzkfGu3uxQR\
        gJ5TvCaZ1Te79cMJQMcZR6zb9zzik0Wri6nEZE6xn65QKU2ServYBb8zrS4Jz9sq6vKz6al0ZFKtQN/06yUp5yxKi3wB8C5nrVrVyjy4NK5k1dds1qBK2ayk\
        PesOB3b/6WfXi4lIPrJmu/+lWl1qVUr6Z2lagC1X6XB6THbCHxtynAJ8p8YxaUe2r8kL+AleHQFMu5kg/Uu0XFJWw+A4/FsUluZr/AvSSaUWkjJqn8QGQ4Nj\
        7qB2wKSDwXEIUpCCFKQgBSlIQQpSkIIUpCAFKUhBClKQ/oNkHuNi36Pz7P2mHlz2endf35MyV0zdGJuV8tfnQy0vh8nGARoH/5z9kMPpsbyvW01/3wZMmmj/\
        1blPLNuVlvbPVzd79h4nyxttGW93G/I52Mkeim87XNETDpZoc+Ctd0SSfi9j66hvugljS/tPwDzGzPKeipWk7ca4hPv0v/zNP/yTfnTL+70CBmCRUfU9bgAY\
        u7/OpBDX7PEGCzkAMGhlv5IB0GiupzR5bOkBELVakmLrUigAqgdGknwnAGZFPgD08ozOfLNuz35AndHz92Vk7P3mdqcffFkzzqx3vgi1W2LzNw95/fP6ni9u\
        Wfs7ff9iSbYguq71+vhXeKj05v3b7YDsQYGEdfbOZ3hucbm3/zzP6PRZVssOQKVJu1/sU7dMmXqXTt7pOF23mxk71z1/R9zK73o/v1T4KYmjXyj+uJy3oOJJ\
        4bu33wJwb0CnLvcGynX2Lx/kH07f6EtbjHHDOSFgRb03/94b2lZ7wZVzndUfOg0qdFrmrKzvRqjY5okmQOez/rZeUCPDvtbsKtuqnvP+7avLNWgdAjDqB4eT\
        4NREz0fHgY8/ejIpsNj8HzHNWFYOrU+u2SYAKF6NAAbXBX5Zhz0ZBXxUB6C9+yGhHd4AmPxuQGBdGJpHNxdPrOjrfA+T4PmyAIeXV+gRDnS4xhPmc3aCJK1/\
        /o47Xj8kKcnLRdgi6bVDTj/DNd4YgjMyJOkaJ2dddDoQ0vM3+fLourMlSQspiLVaDbiczWiEShy5KhSIum5/YmFrgIGeJI1wH7xHXNeAGvslaVmEz2Lltgbk\
        JEjt4DXpsO8aYDj829eAxpKkeWWhxWFJ2mSxoDJzqsDubuc+Onny/Wd8CRW9IZS1mwErVgDuy/Y/W+zMvkMrgGUX7wL0c6fnfe/eP2geQM8zi8kZbgVI7/1V\
        HpD5WfOVpcN/wmfUAfYNyg7k5mXQG3rDUr9LbVr5FFwJkDo0HTY9DHBOExOAp8+CjecaNWQM3QLXhTpWmJUrgLaVXTuQCV5//KEAeXcYaRvI8z+6Je8hgJBL\
        izcy57YAeNXiJElXlA4AL3UDMgYG5lq2BHpT92zwOWRym8sy3B9g7hGAz1MBLjUAaDQSDl9izeesNyCmhR2APQdWAGGu5zRWOQdgjfmtC8DPfxbQ3y1bAc4r\
        3sgYApk3vUrppP+5ZgTArWsDu3sxdKrQG/b7pNfYsB6uj3IUhbQEa6YcXw3QygDgtjB45ABApTZdTmMlZnwLEHIRsIJ16e48qFznrysCi8yTO6OaA/xQYIdX\
        ApxbvKFpA7B5P6VKLaYCTJwe4O0bE4no0ctvAsD7UMVxniP1ywNsNr5sAmgGhBIxDLZ+CDT7Nn7N8gM/VbQx9XOrAyvJWe0v6v4uKXVFN2D7MEvKCre1kA/t\
        BDjNIR55NKLujjun+OlhTQuq/nbj3qolZkBlASYFenvecuhzkcsSMD3DzKrjIUPQNMOwDgE0BEJpUx0+FPRc3T8cQi6aC4TZl4AVsAJo6JoIKm31w+da72QM\
        AAWnukkAv/OEA6UYcM2Nc0LJYBtPBXz/ErixmssMSJoJPR0h/hUAOGobhwpAKO2Br+G0GWY8RTUfJSN1k5n5x1UOCo+s6BlO40Nqgf1NA4go3nlQFa3qO1qh\
        AKUGw/UBc8nFUA7itvldmAohNzlMX16pxfwXEQmhtIOkHTC6Kmy8oMxpj9s8uct2Bn7NhVV5+VkjolqP/duSRgxtpGDprSR2iMjCqz9RFPJioHeuT/Yurc6p\
        sR2G2R/X0CvMyNJcqyic2rBJcA1k9DtI7DNV73faIVYCSVtaQI/wHB9NuHzTYYOg/JddVgNmWirKJRTU32iAbLv88q5HE97ruHOeJxej9XQp1YCy+VS8YQEA\
        95X81LxZg4BevX4K7O7cFRfjwoGAqeOp13uhz+QnMtvL6ZQO4VSGBKhXC748CPDy/U470+OPWxygoz0HWUIssOO7V0dA+ARj+TTCi6vuLai/Ve16AwAT82Ek\
        X/ud3ZvkyyHt9JsRuTe8xABMuntda2DCeQGeOrf4YvcZwEfPhnOLDQCDN5czcCgLkC4IpRIkQQ1TeYB9aU4AvOS2CIwH6FbTtsA3KbC7Z9okgaLSITAisbcN\
        HDiwtM4oXznCSMPZ+voAfzDn5ZdfftFNNov9Hi6r5iN/YEbO1QKIB0LJ9T3P0LPDUqeZi+HVh+KOALQG4MARr7qUH3XCxypWBFoP0C4cjs2ZM+eEuJCHADjD\
        lx7PYt4SgGejAqvj71GjRj3iOlveh0hbbOA2WaKn9W8rEMpRiDGyARimpHpl8xvwdjEureTYjEFrAQYUlCW72dkAxTzTdS1ApYtKOuph4f5ylY2nA2MAGtxd\
        0obmHXSYI9L22qwAbQD+AkI5BjVh/yG4ujbAg06Wc9/5559//vnnfw+E9fRvpEINgAzjy7cAdW+zrtXyl4EmAOib4j3QwnSAcSVNwl352wrWx9Z+KxIAq74B\
        GBtTwoZyP3Qy5GUAxoZS47Mt6SKU3dAiCj6H6B+6RtUady92O0TeR8uXL1++fPm3+fCgO8JsTP2z4wATuxnf+vhxmjozLgFYuKt4D5Q8C6DzhJIi0HdtX+ND\
        q14Af/vf8WgeUGVMSafAVCdn+hrgvAEATwOkLwDCWXEHkW1WMvHGqrRybLqcWx3YlGxDzw5AjboQfcYVtwAkmzwlcfIIIHrRBzN2R7e+wblm9/y0bP1zQwHy\
        nnVcGOURQ/lwa8EPNPHacGBU27c3h7RoG8AAPBMBnAHQvxaw0doAaTzvt8/XHKrQ0zjd93cXm+GnQ4H73tqXT0cnBaaP//OLg2fMi60FTB/zY4X7rgH40kia\
        0tAMC7zQTHGzT9IwMHcr3rKmQ7w3FZXvnrk8B+WW2+UoN0snO+/26DgFb8oPd5O5nPfvsNUf+KZ8NWfpXs82oW1TvkGmPV7er6NdwdyQ8dqanRsyRlvXOo1Z\
        tzuPP6hvaKa7N8ANlWBRh3m5wC+XJiQkHLcbggDQ8vzkINjosZykDSz8wOCXSjCzH//OaQk7EZLQ025Zj/ZMBrihRQnr/vqoUyz60TGj9pqmgdeg/CvAln41\
        OvVo0HNDtWrVvrDsEN78z8vyAyDvox7eBE8buv1VcJd+7T+6BMOWdcWHdjvqdcWrxPGSvPO+603PpgKhL5YQgEynVTt3kJfH68m3LNvM5wfg5sEAR39dvNdp\
        h9i7zwFAD6eIeTx+08yRZw47Ziv6s+W9Vlr5nc5XPTNu6zePtO9UsvPFs2+6YKFpDdpxb6s1xVvL6w2bb2XxXnNVPsLmkZcBLu5ZQgR80E3t/oAxoFrV7Smv\
        KtJrQQg5w6ZzoqhB2xpVMvet/7uUdNVKXWtXy4hbvbMkdZRt1axqWPKB1Sc/IjikfdNamYdWOe01EyRphqmjRdy4JpognTRAAMI+vg7Q6p8PJlVu3a8mo14O\
        DsxJhuFJRw6gw+WDQ3Ky6bz53vFPf7ZscEBOKgsCoNGVXZvWik49vOGnGYnBcQlSkIIUpCAFKUhBClKQghSkIAUpSEEK0n+A3rJMktcEcvdM9+CSIlAoVsp8\
        KTNhx/cvdHJ63bjlNvjCvD/jyOYZI+o462s5cWVsZtr+n1/u64kBuMf/rJVaAI0kSable7j3JKc9juPHv7DcChJtPhoAHJP0PlQ/JklXWaVfWQn1p0hSgsew\
        frkkqRf4eWnke1asReul7AZFHtmeTz755BM1A7q1qfPgi262S/65DWwAGCcOvGk7KKPqV94LiW+HFQ+ATx2+K/9I0uXARklf27oWlifpCcxjGnabu3jdJOn4\
        mUC9445DG3+XJMOJuUAAXGbAtZLeLOoMaJ4iScsjiw6Acq70XOlv26fZVcsVAGmhJ6K5+lbHhTLFA+A2SfrFrLKaJOVVxTji81dbr2tK0k1A+BZJMpzoQzdI\
        khGg/KYkxZlbGxdLkroFCMCwAQMGeKd22E4pvbrr0LUbMGDAe24AVDaOv9G7xQBA6VYQXaM0e/GvIe4AeI9m/UYnAoCzJSnZjC25RJI2A7wuye6Q1lySLgTz\
        UIq0ugB3SNIBo85a6bYY+ZWSZMZcFA6Aj1frna4nEjlYrA8AYQusqu8sZPC9fibXZYdXOe/qCkD0g6OMonxzGwBzphN1xrVnA9zztlHU5lKA2Pf/TK7eupfX\
        tX214YAxrAGwwHiHC4wj++tIdajQzHC5bw+mS8xuoFaI19uyGsA+gIVzBkDZCddBzDMADxvVx77zIPDQpEzgwk4A44xf/uRtvkl/gLhCAhamPVGTu19MLcIC\
        MKE3kB0BvL55WYAzoAxA/UOSZHr2+OY22GyfAeMBIhbK9sI8JUnbzYj6znPlDMXzy9mQ3wwwDhc1DxGZL0nXgXEqtGyMYJAkGZz/9AxJ6mLMEq20Zmq1FM8r\
        uFiSvvN78siNkqSLKXgGMMb/AM4CZ8AQSYpv96gkxdUrCgA8avs8RpJSqgPcZJ+pXgC4UJLUwVbuzTPRJ7yYAIyw+XomSFJdgHMlqaXpYFnD4DZWOoFnJGlN\
        SLNsSXlet91nJWlPBJwvSfIP0H9B8l1gXQGolCTtjwwYgDYZkvadDbflSlobXZgYaifDz9kIuHDNbeAkY67EmN0EKxQNYEFOMUXjZR7eQ+MqwO79YAYI14YW\
        AG0NFmT57b2wD2hz06vhwDSvv9zERKD+UHgcYLZfXEinhwD+HF1oj5ImQ50hgfa/xpwysK3LX/De1Vlw3vtFAcBItBEF+eU2cCOTOyYCDC9DSWlDCtAi2gOD\
        0YWjyTYA2hkAWP5l6aMB3uwNJD/qrSjxFYAxYR0vAvS4bztlPw4Dsq7PKLxLr2XC6ABDbCNm1YU1XfcCzOqXCteNKgIADY2JD265Dc72+7lxPKDp1r8eoNXv\
        l5Y0gCJ3JRB+nnMNNqZAPgDwxVLMyMOn7QdxvZYAnHntOIAv/QLpJjYCGLshgC4d+hiaDAis+292hV96mh7Ai3rEw/g+AQMQOgwgPhnyy23glKEeBlhiRgZ/\
        ngNwzjf/PHlGyRBY6hn7DjYAdgOnUbeyCwuC+0wn821v2CtKmQAwoR+Q+6RvK73uBPglMC/ACXnwcGC9vyMkJKRnivVtTfWQkPAFgQEQVr33d+cD/Azkl9vA\
        osYDBlw9Zn0vIMfq2D5TzGv4xI7Fg8NKAIBnEYhoDRze5gWgNi1AULMe1e0zgI1TzAXcGUn/VixmbpBPfZMJxHwAcGxoYOHAO2ZB+56UDvkqYjIyqQ22a1PG\
        eZmRLopYgjePIQ9meoo3+eaxC1wKIipD0j9AO/vRkSMl/cZoaWGOdAV7JNnOn6yaIkk/+j7bfWZ3sk73vfKpfI4qLkAKAs5zqz1fRaxoxjhfmmrMeZfcBv6S\
        2MZ7GtliHl9uPdt6oc5ZcmOx34jM34HTqznWYGMNOI0WsOxPaOtcA6BZeYBmvie4vmumcpnmGxg46HqAj2cE2qd1P0Gv80782+8PQN4btxsf0uxjbkQtZ/rd\
        3ar2MYcWe0Wz18wVIXzq+SVeBOxLgKkKt4C1q6FdmbKQHet9DoP31/GNf8p81v7PZkmaDLDr3sD7NJ6AV4ESAKCdr7a+P9cuXJqvVFmALJdUJY9e7Py+9YHa\
        V3wrgLA3SgxAeyD5DxsAEaedDet+h7Y1gAPeaKfbWptM0JfVfLAX4IN9PsVTqgG5NyQH3qeff4crG5UiANdddfmFbSo2GulJ1+mf28BuMnkxpMrIHICX/FSJ\
        2Zd1OADQulXB0mb+JStzgQ5UOgtYYZUmpAA9Iok9uBpiOjo4UGXLVlbGV6jJ3gX+scC3XArw/IqiDNWLEPpQKQIwe+Y3P6+zG5z8cxs4o2OPvXo3QPPB/rX+\
        frk8QmS+ZLRlKg0hYOW7AVLXA+1oH2LjQEbzfWAdmzLgYocU+nQ1YEMmMPDCAJ66wasAq58u0lDN3gY31ir9NcBD/rkNfFWW95YDPOEica7dBkYKlvzJmP6m\
        2b2ut8Ti+1XPtKthJg/qBWvJWQ997TPgnDuBvJtfBXitcAE45MMKQNr1RbOV5L0EUQ+cRAD8cxv4zdhHAZpYiV262PKLpLmv2Y71cb9tlnQAe+piYxHoABz/\
        3QFALVgHqw2e6AHg9TDgg/XPHbTAKJhGdAe4v6gZzz45AHdUOokA+OY2yPJT6JYtBhhnmj1v3XyZZYWo3wogtuC21wM8WR7goj7OGbZcQId2wOpMBwsC1sJq\
        U/OzRMqeQNJYUh8GeLqwzIlnPw8we2pRxyrrVah41wkGoKDcMr65DWb45xV5qjvQaOgHpmo1d+vkeX8D3d4Jd3IP9/ovBRr+Nn5j2d6jAbK9WcLi/2oGA2vh\
        yEW127i0zwOAOQPKTAR4+jBMv6sTVH6mkEH6qAxAwngbe/8toMF6d2xl7n/1xOeLte8HOMiZ2yDLssXZ9gNYIkn/GDrbh0Zu7Y2/mdmrlxasCVMpxamAz7Rd\
        82wb2oLz23rPW4iXJJnsYJwkbY0AaJsnKadlwe3m+G1J3lG4JgwY+w53lL4m7CFnboNxblkIngI43Z6esVrL9oboenxEIW0nOfWa1Id8NQEgd5XvDFgHZoaT\
        FGNG1nsEYGQ2wJppQNjrpWSz4Y0MGBV2QqssEABHboNnXRMn/LwcYGwkwB6HXevYgEITY02aYIfjil0uAKxP8ZbFp5pLgMmDTA70Ullgnpkx+dFkoPuVpQTA\
        kQ/gzKtOHgCkdh9ppcVNmet+y1MA9YcDPNF8okfhiXu16YJCG9fDfa1kIMc/ONeRJ3L/bpsk5liF1/kAcP5gINsSD+OeBphYWrH+E3NOtD2i0M2TkA5Na9V4\
        AEi6OJBEhXVaNIwJTYnbtC3QnCjVOtepnH3079WZnBr01t3AafnKb59eDxfPd64BbwI9Fpdqr56VpJQL+A+Qi2OWnVrkSbaxztcx60TTpzIcMf8jABTgnPud\
        1wuEE+GcGx7YbTfX6Z5x338CgMJozBr387lKGYCsgVMf3xIcfWDTpmL+cIBb4YHfgyN6skhuNLNE6eSDVOp6QJCCFKQgBSlIQQpSkIIUpP9FCgFoOAz44+v/\
        zSeMOQZQ3T+te9vfgaSYf7l74QC7Qx6HnB7Lg+/jv0ZPSzpQI8Cbh0hS8dCqld/+vwtF3PT1tqScQO4/ns/J3MYMkCS5HD/WVpIS7SWJ3qPCbeSNc04trRkA\
        j4eOpfbnvXNPJdaxuNV/4dW3bEGPPQ89nz6Vevbkf2L8vfsBY0PGMGbFD6dOz4zYlcxUQCWpR5m4V5GXSUCncmckAOGVSv+JX5ASAsrKclLWgKqSpKEB1Vrg\
        GlAEcl8DvAtGaawBNnP0mJCQqntOmQkQA6DP/jNrwClHEQB5Of9xACL7jv9xZ1JOeuyv71zo50EUee+6lKOrx/ieT37+y2sOZSVv++Imu4pzzjt/p8V938O/\
        hYp3fbsrLW3P/FHVfVjBXwBh8mFZFR9dm5i0bnR59tvPCzN1yqt/ic3Y/qpNmK7r3furlo9kmej+4GcdlqRjBZ4W95qk1r2Wpe59Nop+v6Yd+6GNkyWGDlly\
        2NkfoNK98/dkJG6bdnlA0ey9j9q2L38/07kGVF5qHoTWxtHznz0/SLnHUzoiyyh63HcNGH7EI2M/GuLkxf6Jh+A8M4HXX2fu9zuw7axpxrXYJsUGwLMG1N7l\
        O/4ua8Brkh7PkaQvL8mVpLSz7f05e4Zff+Amz/OuPicAAIY7hmF3ZQcA33oOPGno/cUFR/1ProMbPUUPOwf0JXv9n4cWBsAZh62SjYf9AHjR86aElBSAmD8k\
        KbEdhQJgxkXHGf/et/fnLf/+GAl9rJa7BghAxo61f2dIkibYAcjyVjXL84P6CS5HB1LVi0qWY0BvM3Okmf7ij1nV7IyPjz8mSYqPj4+Pj7cibxb4AOMAwJvd\
        y5P07rT4+Pj4BBcAbomPj49PzA+AMkv9xj8/AJR+QJKUtztX0i57f7L8+zPY0fvDtQIA4LdRzcOACs9K0uFQGwDSnjsvfspAxjPJ5kmSDo27qH2/Z7Z5AHhM\
        krRt+MUvZjve6JppkrSwXWhI808kKbO2re2mchzVCHCBUfvwjrcfdgFAy/tdOMV5WGXxTBFhcyUpsT0BAJDWgBmSdBvXSFIFe39+vqDD647+VDgmSUfvbdnl\
        PWPKFwpAO28qgDW2hE0GAHGnAf3kTZgHrYy4DENnCb1hkln8h4eBDXYA8LQkbYjwQvdswQC8L0nJjYFmaf4A7C2L4Tio70sGwFSX8c8PgGVm5q7KREtSY3t/\
        ojEyDXr6M0KS0luCGVOSU5RcmNNtyTkNAIwg8/n2DA0vSFJSLYckCZUk64BWltoB2C5J5tG+Xe25IvIBYK8XpIn+AIwDI72eI7di0QH4wW388wPga+giKQtI\
        kdS5wP6s8p48G7FLkkYWrgec8+QPO4/lWGnbHE8xw/vXWtDPB5juce024+rPAcidDcCXtgpqNgJyzACAzQCtC1SRq9Tz1vCF/+VfAQ6AJ7i/mHQxwMjVgd2c\
        ZYSCZmH8t/f/N9/+lDkPwFAts2cAdKEQ39Da71zu+G5PV3PASIy0HrzJDJsC/OJbSx2AXUY4kT1opilAuP2tCqu+r4DeNADI/NPgajl+HT9kDkgAMQ+F0/0f\
        F0sFtCczOejbn9MjgRwz8cIaMM47L2gG1Fx2ef71m+95HECIkXMmJAYcGUwMKu+5z/PPEI78W6xc0NNVBDhqWMyz/BWoExq82HJkyUybbv2pApCQbRuIKoXM\
        gBeNxFepW+MzaVPX56JZUaYNmYgwb4kvbI7bDYou+A1yfzor8CaPUqOECpHwxFe7TnS9UbZxMKZGmYIBKDcYIOX2r3KAGVe5vdcWVzL4SFZGNJ4Uil5K87vd\
        XPIAsh1pNApMn5cMUNngdqExpTb+hy8c+hCUndTXadQ+AbZW+wBUBDhWMADnlgF4wpBW/aSI042ROAPguPlixzUEWi52a9jMImNPJncE4Ng5gY8MQNkzdwA0\
        jSw1AK7f/MzQmtDnmi98VttCJmihFAdQqYaR67SxVVLAGmCYx4z8caEt/eaHoSh2A7DSsa0GayPFRtsAqhqpjO3muD+ygBp1A36APcfAinO4ovQ4UCIpYwFe\
        cyxIKQAR1UpS8YGDAGYyl17WeBUAgPFaG5JVL/8V816AMjeDN8fDIoAuVnBVVD/j/45UgLsAKtjTmB1fBWDLqdm5Y8FPsBTgwWrAaSNK1UQ8bR1Q06FQH8wB\
        6FOiahcBPBAK0LS/9XIXAMBuwMyWW2Gi/+Uhd0LUB3UBrBDi6ccAPnogCoi6cq25nZX3A8Cd10K56Y4k8O8A3P+MkWA+8or5Kwo+R4FPAGot6la156KqpQpA\
        3v0Aw+3Wsqw/AV7qURIRdxJAu7cjoMGsMGDP94X8YK8kZY5uWLXfBoe1zLQFaet8IylErEf/GGkaopd+/2ua1xjX1yj9Y0GC07oZtk6SlDzvndc/XpHh0Zbz\
        1YTN+/MxxjXyNGVlaB0Z7zXGJcTHx8fHjwzEFAFmOow/7Tz/SfPUkPj4+PgOHk34C6OaVIz0Ff0L7I9hKNHBWQuOB7bferf9VAdfADbHeq7d6t0TmetmDWWR\
        97AHhzX09ATngBYCAOd6snv8kxAAAI/5hWQ9FigA9dM91gRrRbT1tWsxAaix396ZzwrdEXvHaziYP8tvrbrDciL6aIpXWLvqQ1fBwtpq3uNMOLWrY9EiL9f3\
        NxW5+MEZripH0Skf8XLvSwBjz7LJbAMTSy7hdrUJ3R8NLRQAXTvSkJmSx17mny9xzsADAGljb7Gzypv6LDOfKfYVz4SP7ThXAIs7H3HWsb3tXVs9+s/MwV8W\
        9gRLmj25ITlt2yutf4/yCLglU4zy059f3A9ETbaLAI2fXJlQQs+13ec+YSb13DhgmDG9C1lUItu3qJyy42f3Vy2i11lhuxak+RZX7VqncmbcH5scyurp3Wol\
        rFnvanDqWLNyXsq+bX8XRdepdjgEV4/bItDgL4DtZ3FyKbRDs+pZsat28f+RqnjyN4yXbQOqmPSR8s1GfBIp/P8TAGctX/zjhl0p4U2GDQEokRtf5duH2FWY\
        IAVCHR0iTXaTYlYzMj4+3tqm7hScAcWmh7cV84dlvWrcolVBAIpJySOnlrySP24gCEARaE37Tp0bV61aJvnI+l8+K6mnbObRDbM/ygry9SAFKUhBClKQghSk\
        IAUpSEEKUpCC9C9TjYfm7UzKdoYrwDmSNjhv3CwdT9gw/epg6skTSu2OmabqQACQJC2JKn5rJwu8cElSw/8PALwfU9RfXHB3CQYm+Mb7UNOWAF8sSKTQ/Yb7\
        KobVvbU5cPUrp/xj/f+ZAdfKCD3yJRcWBBCTIin91GdB/3+oGsBPAd+e+BsQXT4IwAmjslDoEXR2OgQlCUsLxZN+Jvr+3xOTNjzhOJ3gvA92ZRz4rrdfmhkz\
        U0CNR1bHZR5a/ZY3wLfda78eycqM3/DVaM/hx+UlyXDs2iVJso4QbC1JhmfUkzZXxhGStMS8p6YkqS4Q5+tNOUfSW0DjVEn6IxSgRa4kLQ8FWClJH1rPeUCS\
        xhpfFvp4LDpGJAS8gSwBUKbnR8UmA4Aaq43eHLBFiD9kRla/6A5A73iHsyRUmmV7rDvtANipEAAaSlJWeVvffrdG7Tl7t7dKuh2s8+ZuBjPcOMUIA7lJkpLN\
        QKgLJCm3XgAAPCKvk2cAa4ARvVzrBLCgD82Br/29J3745gmmkDR6mNtvm3/r4yUeudAeOFHcA892bwQizPj+XgBzAP7ACCv0LOtnmIW8+x3A09FwUV+AB/4B\
        4MtkoMKlxt2DARbtOwWlE+tDW48yUX2iGQ9W1Xs48pNuv33WN2Tn7rYAx7YlV25iS2KjBDBjIo/lARwtpE9zWgG9DOf5izwAbPIB4MwIMB2Ph2+qDnUeeD5k\
        AsB3Zs6M9M/uAK6bARA2CMDiRzs8kS5n+0cdRUCRQsLk+VHJWJC09dpODyRLkkx/ScO9e/2VncZkyI0FSVnfjhg89NmNFgv6TZLGRgChbV9LvqcwMTQfFmSU\
        G37TzSVpOwBtJB23yQyXS/rH/HyZJCVVu0GSjtT0LGCSlFkZ4EJJSvSLyxwqSXIevf6GfyaiAlnQO5J0XuBr/JAhQ4YM6eUCwL6qQLc8mxv9RknaVh64xB2A\
        v8wIu0EtjP8JktKsMareorgA8I8k1QF4QJJeAqBMjqTTocfy5csXh8FoSXOsX0yRpPf2SJKNC67zRC+8J0nv+mmwmZL0g5NX/i5JrQMH4GlJClwVNlLoLHYB\
        4DbAzC5hHEJo5Hi4FoCf3ABI9dWrjspKahCQIpYvAK9K0o0AP0hSF++i2xeek6SW8IEk6yR5ym23FtQPbQ3caT1r+BE3N8RG8ZK0qYKj8ApJSo8OHIBBkrTL\
        kRer3ZS/0xM3v2fFM0W+2iAAAPKMBfUGSToIGFkolG1II7e7AeD3Rv1qpGlxO3i9SAB0k6RPgchUSXHmnJoh6X7zXbjFkDK9wcsdzZxDe+wZ1CqmScqrC30k\
        aatPl6psk6RY2+D0v+beWbmSNIXAASh3UJKOvHHLVea0qf6l9TL89fCZoVS+aYf9ufMFwMww0FKS8kIBrpYk0x7SwQ2AW3z7MsJqeeu7/cNKAEDYEUmxIdDd\
        PhrjJL1DyDFJmmzwO1tUn5GMKq+7o4VpkvSQMVv0iM9i+4skZXSwFZlRV1lTo4sAAC1/N5/6LeP7KLuEm5ng89y+AHhWNTP45whASDkwg7qNEBnrn5P8Ct+x\
        ErM0ue3bnZcXXyrI/Q6o2cIuhJoi51k0juE4tKd6FTi+3fubZw4DzHa+WlMAridyAJD3ibOR97oDutH/LO24MfdmFKW3f1z1sZ/elhdvFkUWduqeBwAzHs74\
        XaRHtHIUu+mAdsq6aIonLKbB7DuKj8BsUwXoDaQuNAsNObQ9zEyjRZmmwBZbxNBNNQD6NXPUs/JPoFWz3pWBHw84Lj06DGDcDP/Ga07cUqQksDduHeojhX7T\
        K7p6mTPuslLeZD68NwAx1AzlO0OSFOUpNnMoNXM3RfhTg8eWHrdmX/3AWdDTDhZEmVRJ86mSK+krj40gWVK5N6RbF0kdh0uaZtMKzADKdc6xeECSnvtYkgY7\
        LlyZJ0kf+eoAdW/YI0k/FYEF1cyQpLndK1vmiBs84dwtXlifnLL++doB6QHpBtPuJUnGDOwvSUdtgnYgAABRFzxryCRjAwHA8E+e7ASAryWlR10lSdd732dJ\
        5/4qNXtauneiJG/MZdgquW5jVT0uaXeSpKOOXav26ZK01CX5w5lZknJjAgfgRklaWHJTRLSRJ6AHWLkf/gaobOQw71mEKjOXPtbkbYBz7Wxd/taJLICIaABf\
        gXYOEN2lF5DtDSffBLRozbG/VkC7pmaBQWM7Ar+kAI84hM2E2UCDisAXdobZ4JtoYOdAF+/0nYuA0CKE7jUFeO8EaMIzAcrHemdmaIokTQWociygGeB9yZr6\
        BcAlSVIfF52kPVA9y2cGVM6W9MIuJze4W9K30vdUzNVf2yV5hO922ZKyGo+WpO0O03BPa2bYk8BV3CRJx9xDnCZIUu/AZ8AkSTr7RJgixoRS4RtJ0iCj3JBn\
        7wyhyiIFBMBHk5vZt5UcaRn/kKQ1jo6GpknS91GET5cPACySdNBHx7xAUrY0FjYqL0fyGO3LbjXS4UXukKRJDuPyDqPr9ojwsHmSlJXPrB5bHGto7RMBgA78\
        apiC4kwx2MzxsOe3NAUGwBfShpev69H5slczZGhNXprszbXgSYj3i5EI9Mc98gPgXuvNtaWzifEcXv2OHEvlO5J0pBIMkCRdbG93jPGjh+xMw0hoscFD/6Y5\
        2gPAjmMe5eE268JP3sTRgQJgo6OO7Dpt8vz2A7jZU7TaF4B6VsP2OvZKUnZZuF7eDJBwsXf7YaEkHbTL3rWyJSmnlh8Ap9p+QOytlgg/zbOiDLGsjQeGF73m\
        zCGOOPa1o/zD/D+y5sICv5Dffeu8q7FjFWZDOqzwfoVqHwBsfg9gRC5wmj3DQOx3APNjOUXJa9+dOfAwQMoo72DHdfoyD2BFx7iAKps01RO8nj3nPJ9BfaXl\
        +CUH0xxvW26/+QB50wfmo4v5APAHwEpg90HPV3ivFsDIXC8MV11v+1GqfScgAMrzaKKBUbTnR8WiEGDIJ8CKrkT1bZy9c6EzfUXtnrXT1vxGrUMA0YWnhqx2\
        ToNq0dmJ29cmBdZ+iy4xB1fuKMU3rPKBaDh6WuDhkHe/Bdz7lj8L2gQbXczUi7sB5dJL0scAzoQpyvlfpxY967/lUjBdKUnfBrwGVEuXlFL8/v2Pe8ZFDR0N\
        MLkIP1kP0H/WvET+KiybUa9KYfWGR1PijBP/qzPg6/1xucrHz60AWq2iOueqBL6h/8uOWTXq1AgFSH6wSD+7NaGoDf1UAkvEf8A5N+3KoiUW2th0WM8mNaID\
        86rJStv3x5yvS5hX93+VBS2XlHtgWqMTU1u+O2JBOjlUSgAE4wMCpZQFsDM4DP9z9H+h3p6WsNzvUwAAAABJRU5ErkJggg==
        """
}
