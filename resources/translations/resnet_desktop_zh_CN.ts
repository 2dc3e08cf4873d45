<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DuplicatesView</name>
    <message>
        <source>Include similar shots (bursts)</source>
        <translation>包括相似的照片（连拍）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Give the kept photo the others&apos; tags and albums</source>
        <translation>把其他照片的标签和相册合并到保留的照片</translation>
    </message>
    <message>
        <source>Keep This One</source>
        <translation>保留这张</translation>
    </message>
    <message>
        <source>Remove Others from Library</source>
        <translation>从图库移除其他照片</translation>
    </message>
    <message>
        <source>Move Others to Trash…</source>
        <translation>把其他照片移到回收站…</translation>
    </message>
    <message>
        <source>Show in Folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation>正在查找重复照片…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Could not look for duplicates: %1</source>
        <translation>无法查找重复照片：%1</translation>
    </message>
    <message>
        <source>Reading photos for comparison: %1 of %2</source>
        <translation>正在读取照片以便比较：%1 / %2</translation>
    </message>
    <message>
        <source>Reading photos the model has not seen: %1 of %2</source>
        <translation>正在读取模型未见过的照片：%1 / %2</translation>
    </message>
    <message>
        <source>Search cancelled.</source>
        <translation>已取消查找。</translation>
    </message>
    <message>
        <source>Exact copies (the same file)</source>
        <translation>完全相同的副本（同一文件）</translation>
    </message>
    <message>
        <source>Near copies (edited, resized or re-saved)</source>
        <translation>近似副本（编辑、缩放或重新保存）</translation>
    </message>
    <message>
        <source>Similar shots (one moment)</source>
        <translation>相似的照片（同一时刻）</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s) of copies</source>
        <translation>
            <numerusform>%n 组副本</numerusform>
        </translation>
    </message>
    <message>
        <source>No duplicates found.</source>
        <translation>没有找到重复照片。</translation>
    </message>
    <message>
        <source>same file</source>
        <translation>同一文件</translation>
    </message>
    <message>
        <source>Keep %1: %2</source>
        <translation>保留 %1：%2</translation>
    </message>
    <message>
        <source>has your tags or albums</source>
        <translation>有你的标签或相册</translation>
    </message>
    <message>
        <source>sharpest</source>
        <translation>最清晰</translation>
    </message>
    <message>
        <source>oldest</source>
        <translation>最早</translation>
    </message>
    <message>
        <source>first added</source>
        <translation>最先添加</translation>
    </message>
    <message>
        <source>largest file (least compressed)</source>
        <translation>文件最大（压缩最少）</translation>
    </message>
    <message>
        <source>chosen by you</source>
        <translation>由你选择</translation>
    </message>
    <message>
        <source>largest (%1)</source>
        <translation>尺寸最大（%1）</translation>
    </message>
    <message>
        <source>keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message numerus="yes">
        <source>Move %n file(s) to the trash?</source>
        <translation>
            <numerusform>把 %n 个文件移到回收站？</numerusform>
        </translation>
    </message>
    <message>
        <source>%1

You can restore them from the trash. %2 is kept.</source>
        <translation>%1

可以从回收站恢复它们。%2 会保留。</translation>
    </message>
    <message>
        <source>Remove from Library</source>
        <translation>从图库移除</translation>
    </message>
    <message numerus="yes">
        <source>Remove %n photo(s) from the library?</source>
        <translation>
            <numerusform>从图库移除 %n 张照片？</numerusform>
        </translation>
    </message>
    <message>
        <source>%1

The files stay on disk. %2 is kept.</source>
        <translation>%1

文件仍保留在磁盘上。%2 会保留。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>Not moved:
%1</source>
        <translation>未移动：
%1</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>Drop photos here</source>
        <translation>把照片拖到这里</translation>
    </message>
    <message>
        <source>Drag photos or folders onto this window. Every photo is tagged on this computer; nothing is uploaded.</source>
        <translation>将照片或文件夹拖到此窗口。所有照片都在本机上打标签，不会上传任何内容。</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Add Photos…</source>
        <translation>添加照片…</translation>
    </message>
</context>
<context>
    <name>LabelWords</name>
    <message>
        <source>not measured</source>
        <translation>未测量</translation>
    </message>
    <message>
        <source>finds about %1 of 10</source>
        <translation>大约能找到 10 张中的 %1 张</translation>
    </message>
    <message>
        <source>finds fewer than 1 in 10</source>
        <translation>10 张中找到不到 1 张</translation>
    </message>
    <message>
        <source>, with %1 wrong in 10</source>
        <translation>，每 10 个建议中约 %1 个是错的</translation>
    </message>
    <message>
        <source>, with fewer than 1 wrong in 10</source>
        <translation>，每 10 个建议中错的不到 1 个</translation>
    </message>
    <message numerus="yes">
        <source>Not enough different pictures to measure how good it is yet (%n of %1): its suggestions are a first guess.</source>
        <translation>
            <numerusform>不同的图还不够，暂时无法衡量它有多准（已有 %n 张，需要 %1 张）：它的建议只是初步猜测。</numerusform>
        </translation>
    </message>
    <message>
        <source>Measured on your photos, it %1.</source>
        <translation>在你的照片上测得：它%1。</translation>
    </message>
    <message numerus="yes">
        <source>A rough estimate: its examples show only %n different picture(s).</source>
        <translation>
            <numerusform>只是粗略估计：它的示例只有 %n 张不同的图。</numerusform>
        </translation>
    </message>
    <message>
        <source>Too unsure to suggest anything yet (%1). Tag more photos with it, or remove it where it is wrong.</source>
        <translation>还太没把握，暂不建议（%1）。请给更多照片加上这个标签，或在标错的地方删除它。</translation>
    </message>
    <message numerus="yes">
        <source>Needs %n more example(s) before it can be learned.</source>
        <translation>
            <numerusform>还需要 %n 个示例才能学习。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of its photos are not tagged by the current model yet (File &gt; Re-tag Library).</source>
        <translation>
            <numerusform>它的 %n 张照片尚未由当前模型标注（文件 &gt; 重新标注图库）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Its examples are near copies of %n picture(s): tag a few different photos with it.</source>
        <translation>
            <numerusform>它的示例几乎都是 %n 张图的副本：请给几张不同的照片加上它。</numerusform>
        </translation>
    </message>
    <message>
        <source>It is on nearly every photo, so there is nothing to tell it apart from.</source>
        <translation>几乎每张照片都有这个标签，没有可以区分的对象。</translation>
    </message>
    <message>
        <source>No photo has been tagged yet, so there is nothing to learn from.</source>
        <translation>还没有照片被标注，无从学习。</translation>
    </message>
    <message>
        <source>Not learned: only the labels with the most examples are learned at a time.</source>
        <translation>未学习：每次只学习示例最多的那些标签。</translation>
    </message>
    <message numerus="yes">
        <source>%n more needed</source>
        <translation>
            <numerusform>还需 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>unsure</source>
        <translation>没把握</translation>
    </message>
    <message>
        <source>on every photo</source>
        <translation>每张照片都有</translation>
    </message>
    <message>
        <source>not learned</source>
        <translation>未学习</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>en</source>
        <comment>the code of this translation&apos;s language, e.g. zh</comment>
        <translation>zh</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Main</source>
        <extracomment>The grid shows a new query result (tests wait on it). The classifier loaded in the worker (a notice string, maybe empty).</extracomment>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Search labels, e.g. cat, car, beach</source>
        <translation>搜索标签，例如：猫、汽车、海滩</translation>
    </message>
    <message>
        <source> Sort: </source>
        <translation> 排序：</translation>
    </message>
    <message>
        <source>Date taken</source>
        <translation>拍摄日期</translation>
    </message>
    <message>
        <source>Date added</source>
        <translation>添加日期</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Size </source>
        <translation>大小 </translation>
    </message>
    <message>
        <source>No photos match.</source>
        <translation>没有符合条件的照片。</translation>
    </message>
    <message>
        <source>Learning your labels…</source>
        <translation>正在学习你的标签…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Add &amp;Photos…</source>
        <translation>添加照片(&amp;P)…</translation>
    </message>
    <message>
        <source>Add &amp;Folder…</source>
        <translation>添加文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Re-tag Library</source>
        <translation>重新标记图库(&amp;R)</translation>
    </message>
    <message>
        <source>Check every photo again: changed photos and photos tagged by another model are re-tagged</source>
        <translation>重新检查每张照片：已更改的照片和由其他模型标记的照片将被重新标记</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Albums</source>
        <translation>相册(&amp;A)</translation>
    </message>
    <message>
        <source>New &amp;Smart Album…</source>
        <translation>新建智能相册(&amp;S)…</translation>
    </message>
    <message>
        <source>New &amp;Album…</source>
        <translation>新建相册(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Photo</source>
        <translation>照片(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Remove from Library…</source>
        <translation>从图库中移除(&amp;R)…</translation>
    </message>
    <message>
        <source>Could not open the library: %1</source>
        <translation>无法打开图库：%1</translation>
    </message>
    <message numerus="yes">
        <source>Tagged %n photo(s)</source>
        <translation>
            <numerusform>已为 %n 张照片打标签</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped; %n photo(s) tagged, the rest resume next time</source>
        <translation>
            <numerusform>已停止；已为 %n 张照片打标签，其余的将在下次继续</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read (see Failed)</source>
        <translation>
            <numerusform>%n 张无法读取（见“失败”）</numerusform>
        </translation>
    </message>
    <message>
        <source>Tagging with the offline EfficientNet-Lite0: the ResNet-18 weights are not installed. Settings (Ctrl+,) can download or import them.</source>
        <translation>正在用离线的 EfficientNet-Lite0 打标签：尚未安装 ResNet-18 权重。可在“设置”(Ctrl+,)中下载或导入。</translation>
    </message>
    <message>
        <source>“%1” is empty.
Select photos in All Photos and drag them onto “%1” in the sidebar,
or right-click them and choose Add to Album.</source>
        <translation>“%1”是空的。
在“所有照片”中选择照片，把它们拖到侧栏中的“%1”上，
或右键单击它们并选择“添加到相册”。</translation>
    </message>
    <message>
        <source>No photos match “%1”.</source>
        <translation>没有与“%1”匹配的照片。</translation>
    </message>
    <message>
        <source>Nearest labels: %1</source>
        <translation>最接近的标签：%1</translation>
    </message>
    <message>
        <source>Remove from Album</source>
        <translation>从相册中移除</translation>
    </message>
    <message numerus="yes">
        <source>Remove %n photo(s) from the album “%1”? They stay in the library.</source>
        <translation>
            <numerusform>要从相册“%1”中移除 %n 张照片吗？它们仍保留在图库中。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n photo(s) from the library? The files stay on disk.</source>
        <translation>
            <numerusform>要从图库中移除 %n 张照片吗？文件仍保留在磁盘上。</numerusform>
        </translation>
    </message>
    <message>
        <source>Finishing the work in progress before closing…</source>
        <translation>正在完成进行中的工作，然后关闭…</translation>
    </message>
    <message>
        <source>Tagging stopped: %1</source>
        <translation>打标签已停止：%1</translation>
    </message>
    <message>
        <source>Could not read the library: %1</source>
        <translation>无法读取图库：%1</translation>
    </message>
    <message>
        <source>Remove from Library</source>
        <translation>从图库中移除</translation>
    </message>
    <message numerus="yes">
        <source>Learned %n label(s).</source>
        <translation>
            <numerusform>已学会 %n 个标签。</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped learning; it resumes after the next change.</source>
        <translation>已停止学习；下次更改后会继续。</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
    <message>
        <source>New Album</source>
        <translation>新建相册</translation>
    </message>
    <message>
        <source>Album name:</source>
        <translation>相册名称：</translation>
    </message>
    <message>
        <source>Delete Album</source>
        <translation>删除相册</translation>
    </message>
    <message>
        <source>Delete the album “%1”? Its photos stay in the library.</source>
        <translation>要删除相册“%1”吗？其中的照片仍保留在图库中。</translation>
    </message>
    <message>
        <source>Add Photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <source>Photos (%1)</source>
        <translation>照片 (%1)</translation>
    </message>
    <message>
        <source>Add Folder</source>
        <translation>添加文件夹</translation>
    </message>
    <message>
        <source>New model weights are ready. File &gt; Re-tag Library tags your photos with them.</source>
        <translation>新的模型权重已就绪。使用“文件 &gt; 重新标记图库”用它们标记您的照片。</translation>
    </message>
    <message>
        <source>The new library file is used after tagging finishes.</source>
        <translation>打标签完成后将使用新的图库文件。</translation>
    </message>
</context>
<context>
    <name>PhotoDelegate</name>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Tagging…</source>
        <translation>正在打标签…</translation>
    </message>
    <message>
        <source>Not tagged yet</source>
        <translation>尚未打标签</translation>
    </message>
    <message>
        <source>Suggested: %1</source>
        <translation>建议：%1</translation>
    </message>
    <message>
        <source>No confident label</source>
        <translation>没有可信的标签</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>PhotoListModel</name>
    <message>
        <source>Failed: %1</source>
        <extracomment>Roles that are a field of the library row as it is. callable(ids, on_rows) fetching those photos&apos; rows off the GUI thread; on_rows(rows) is called in the GUI thread. None: rows not cached stay placeholders. Rows the grid keeps (a screen holds about 100 tiles; scrolling back finds them). Rows fetched beyond the asked range on each side, so a scroll finds the next screen ready.</extracomment>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Waiting to be tagged</source>
        <translation>等待打标签</translation>
    </message>
</context>
<context>
    <name>PhotoMenu</name>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Show in Folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Add to Album</source>
        <translation>添加到相册</translation>
    </message>
    <message>
        <source>New Album…</source>
        <translation>新建相册…</translation>
    </message>
    <message>
        <source>Remove from Album “%1”</source>
        <translation>从相册“%1”中移除</translation>
    </message>
    <message>
        <source>Remove from Library…</source>
        <translation>从图库中移除…</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Taken:</source>
        <translation>拍摄时间：</translation>
    </message>
    <message>
        <source>Camera:</source>
        <translation>相机：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source>Failed:</source>
        <translation>失败：</translation>
    </message>
    <message>
        <source>Show in Folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Find Similar</source>
        <translation>查找相似照片</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Add a tag…</source>
        <translation>添加标记…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove from Library…</source>
        <translation>从图库中移除…</translation>
    </message>
    <message>
        <source>This photo cannot be shown.</source>
        <translation>无法显示这张照片。</translation>
    </message>
    <message>
        <source>Not tagged yet</source>
        <translation>尚未打标签</translation>
    </message>
    <message>
        <source>Below your confidence threshold</source>
        <translation>低于你设置的置信度阈值</translation>
    </message>
    <message>
        <source>Not this: remove the label from this photo</source>
        <translation>不是这个：从这张照片移除此标签</translation>
    </message>
    <message>
        <source>Remove label %1</source>
        <translation>移除标签 %1</translation>
    </message>
    <message>
        <source>Tagged by %1</source>
        <translation>由 %1 打标签</translation>
    </message>
    <message>
        <source>%1 (file date; the photo has no EXIF date)</source>
        <translation>%1（文件日期；照片没有 EXIF 日期）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Suggested: %1</source>
        <translation>建议：%1</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>正在准备…</translation>
    </message>
    <message>
        <source>Tagging %1 of %2</source>
        <translation>正在打标签 %1 / %2</translation>
    </message>
    <message>
        <source>%1 photos/s</source>
        <translation>每秒 %1 张</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
</context>
<context>
    <name>RuleEditorDialog</name>
    <message>
        <source>Smart Album</source>
        <extracomment>The rule keys this dialog shows; any other key of an edited rule is kept as it was.</extracomment>
        <translation>智能相册</translation>
    </message>
    <message>
        <source>e.g. Cats of 2024</source>
        <translation>例如：2024 年的猫</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>any of these labels</source>
        <translation>任一标签</translation>
    </message>
    <message>
        <source>all of these labels</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <source>tabby, Egyptian cat, Persian cat</source>
        <translation>斑纹猫、埃及猫、波斯猫</translation>
    </message>
    <message>
        <source>Photos with:</source>
        <translation>照片包含：</translation>
    </message>
    <message>
        <source>Labels:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>Minimum confidence:</source>
        <translation>最低置信度：</translation>
    </message>
    <message>
        <source>Taken between</source>
        <translation>拍摄日期介于</translation>
    </message>
    <message>
        <source>any folder</source>
        <translation>任意文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>In folder:</source>
        <translation>所在文件夹：</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Library file:</source>
        <translation>图库文件：</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Automatic (ResNet-18 when its weights are present)</source>
        <translation>自动（有权重文件时使用 ResNet-18）</translation>
    </message>
    <message>
        <source>%1 (offline fallback)</source>
        <translation>%1（离线备用）</translation>
    </message>
    <message>
        <source>Model in use:</source>
        <translation>使用的模型：</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>ResNet-18 weights:</source>
        <translation>ResNet-18 权重：</translation>
    </message>
    <message>
        <source>Download…</source>
        <translation>下载…</translation>
    </message>
    <message>
        <source>Import File…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>Cancel Download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Tagging</source>
        <translation>打标签</translation>
    </message>
    <message>
        <source>Labels below this confidence are not shown on tiles.</source>
        <translation>置信度低于此值的标签不会显示在缩略图上。</translation>
    </message>
    <message>
        <source>Show labels from:</source>
        <translation>显示标签的最低置信度：</translation>
    </message>
    <message>
        <source>Decoding threads:</source>
        <translation>解码线程数：</translation>
    </message>
    <message>
        <source>Use the faster INT8 model</source>
        <translation>使用更快的 INT8 模型</translation>
    </message>
    <message>
        <source>Make INT8 Model…</source>
        <translation>生成 INT8 模型…</translation>
    </message>
    <message>
        <source>Made from up to 64 photos of your library; half of them check how often it agrees</source>
        <translation>用图库中最多 64 张照片生成；其中一半用于检验它与普通模型的一致程度</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Speed:</source>
        <translation>速度：</translation>
    </message>
    <message>
        <source>Calibrating on your photos and comparing with the normal model…</source>
        <translation>正在用您的照片校准并与普通模型比较…</translation>
    </message>
    <message>
        <source>Not made yet. It is made from your own photos, with a measure of how often it agrees.</source>
        <translation>尚未生成。它由您自己的照片生成，并会测量与普通模型的一致程度。</translation>
    </message>
    <message numerus="yes">
        <source>On %n of your photos it gives the normal model&apos;s top label %1% of the time; %2x faster.</source>
        <translation>
            <numerusform>在您的 %n 张照片上，它与普通模型的首选标签一致的比例为 %1%；速度快 %2 倍。</numerusform>
        </translation>
    </message>
    <message>
        <source>Installed: %1</source>
        <translation>已安装：%1</translation>
    </message>
    <message>
        <source>Not included in this build. Tagging uses EfficientNet-Lite0.</source>
        <translation>此版本未包含。将使用 EfficientNet-Lite0 进行标记。</translation>
    </message>
    <message>
        <source>Not installed: %1 Tagging uses EfficientNet-Lite0 until you download or import them.</source>
        <translation>未安装：%1在您下载或导入之前，将使用 EfficientNet-Lite0 打标签。</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <source>Download cancelled.</source>
        <translation>下载已取消。</translation>
    </message>
    <message>
        <source>Could not download: there is no internet connection. Connect and try again, or, if you have the file resnet18-f37072fd.pth, click Import File… beside Download.</source>
        <translation>无法下载：没有网络连接。请连接网络后重试；如果您已有 resnet18-f37072fd.pth 文件，请点击“下载”旁边的“导入文件…”。</translation>
    </message>
    <message>
        <source>Could not download: the download server did not answer. Try again later, or, if you have the file resnet18-f37072fd.pth, click Import File… beside Download.</source>
        <translation>无法下载：下载服务器没有响应。请稍后重试；如果您已有 resnet18-f37072fd.pth 文件，请点击“下载”旁边的“导入文件…”。</translation>
    </message>
    <message>
        <source>Could not download: %1 Or, if you have the file, click Import File….</source>
        <translation>无法下载：%1 如果您已有该文件，也可以点击“导入文件…”。</translation>
    </message>
    <message>
        <source>Import ResNet-18 weights</source>
        <translation>导入 ResNet-18 权重</translation>
    </message>
    <message>
        <source>PyTorch weights (*.pth *.pt)</source>
        <translation>PyTorch 权重 (*.pth *.pt)</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>正在检查文件…</translation>
    </message>
    <message>
        <source>Library file</source>
        <translation>图库文件</translation>
    </message>
    <message>
        <source>Library (*.sqlite3 *.db)</source>
        <translation>图库 (*.sqlite3 *.db)</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Library</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>All Photos</source>
        <translation>所有照片</translation>
    </message>
    <message>
        <source>Recently Added</source>
        <translation>最近添加</translation>
    </message>
    <message>
        <source>Untagged</source>
        <translation>未打标签</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复照片</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Automatic Albums</source>
        <translation>自动相册</translation>
    </message>
    <message>
        <source>Suggestions</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Smart Albums</source>
        <translation>智能相册</translation>
    </message>
    <message>
        <source>Albums</source>
        <translation>相册</translation>
    </message>
    <message>
        <source>Edit Smart Album…</source>
        <translation>编辑智能相册…</translation>
    </message>
    <message>
        <source>Delete Album</source>
        <translation>删除相册</translation>
    </message>
</context>
<context>
    <name>SidecarSettingsBox</name>
    <message>
        <source>Sidecars</source>
        <translation>附属文件</translation>
    </message>
    <message>
        <source>Write labels to XMP sidecars</source>
        <translation>将标签写入 XMP 附属文件</translation>
    </message>
    <message>
        <source>Your tags and the model&apos;s labels go to NAME.EXT.xmp beside each photo, where digiKam, darktable and Lightroom read them. Photos are never modified.</source>
        <translation>您的标签和模型的标签写入每张照片旁的 NAME.EXT.xmp，digiKam、darktable 和 Lightroom 会读取它们。照片本身永远不会被修改。</translation>
    </message>
    <message>
        <source>none: sidecars of read-only folders are not written</source>
        <translation>无：不为只读文件夹写入附属文件</translation>
    </message>
    <message>
        <source>Mirror folder</source>
        <translation>镜像文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Choose mirror folder</source>
        <translation>选择镜像文件夹</translation>
    </message>
    <message>
        <source>For read-only folders:</source>
        <translation>只读文件夹：</translation>
    </message>
    <message>
        <source>Mirror folder for sidecars</source>
        <translation>附属文件的镜像文件夹</translation>
    </message>
</context>
<context>
    <name>SidecarWriter</name>
    <message numerus="yes">
        <source>%n sidecar(s) not written: %1</source>
        <translation>
            <numerusform>%n 个附属文件未写入：%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sidecar(s) of photos in read-only folders written to %1</source>
        <translation>
            <numerusform>只读文件夹中照片的 %n 个附属文件已写入 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Sidecars not written: %1</source>
        <translation>附属文件未写入：%1</translation>
    </message>
</context>
<context>
    <name>SimilarController</name>
    <message>
        <source>Find Similar</source>
        <translation>查找相似照片</translation>
    </message>
</context>
<context>
    <name>SimilarDialog</name>
    <message>
        <source>Photos Like %1</source>
        <extracomment>set when the main window closes: long work (fingerprints, embeddings) stops between photos</extracomment>
        <translation>与 %1 相似的照片</translation>
    </message>
    <message>
        <source>Looking for similar photos…</source>
        <translation>正在查找相似照片…</translation>
    </message>
    <message>
        <source>Could not compare: %1</source>
        <translation>无法比较：%1</translation>
    </message>
    <message>
        <source>Reading photos the model has not seen: %1 of %2</source>
        <translation>正在读取模型未见过的照片：%1 / %2</translation>
    </message>
    <message>
        <source>There is no other photo to compare with.</source>
        <translation>没有其他照片可以比较。</translation>
    </message>
    <message numerus="yes">
        <source>%n similar photo(s), most similar first</source>
        <translation>
            <numerusform>%n 张相似照片，最相似的在前</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SuggestionsView</name>
    <message>
        <source>Stop Learning</source>
        <translation>停止学习</translation>
    </message>
    <message>
        <source>Y accepts, N rejects, arrows move on; select several photos to decide on all of them.</source>
        <translation>按 Y 接受，按 N 拒绝，方向键移到下一张；选中多张照片可一次决定。</translation>
    </message>
    <message>
        <source>Accept (Y)</source>
        <translation>接受 (Y)</translation>
    </message>
    <message>
        <source>Reject (N)</source>
        <translation>拒绝 (N)</translation>
    </message>
    <message>
        <source>This label is no longer taught: no photo carries it.</source>
        <translation>这个标签已不再学习：没有照片带有它。</translation>
    </message>
    <message>
        <source>Nothing to review: no other photo looks like it.</source>
        <translation>没有需要审阅的：没有其他照片像它。</translation>
    </message>
    <message>
        <source>No suggestions for this label.</source>
        <translation>这个标签没有建议。</translation>
    </message>
    <message>
        <source>All reviewed.</source>
        <translation>全部审阅完毕。</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
</context>
</TS>
